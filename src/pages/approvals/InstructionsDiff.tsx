import { mergeClasses } from '@fluentui/react-components';
import { changedHunks, type DiffLine } from '../../../bot/src/domain/text-diff.js';
import { useInstructionsDiffStyles } from './useInstructionsDiffStyles.styles.js';

export interface InstructionsDiffProps {
  lines: DiffLine[];
}

const MARKER = { added: '+', removed: '−', same: ' ' } as const;
const SPOKEN = { added: 'Added: ', removed: 'Removed: ', same: '' } as const;

/** The instructions' changed lines with one line of context: added lines highlighted, removed ones struck out. */
export function InstructionsDiff({ lines }: InstructionsDiffProps) {
  const styles = useInstructionsDiffStyles();
  return (
    <ul className={styles.lines} aria-label="Instructions changes">
      {changedHunks(lines).map((line, index) =>
        line === null ? (
          <li key={index} className={mergeClasses(styles.line, styles.gap)}>
            <span className={styles.marker} aria-hidden>
              …
            </span>
            <span className={styles.hidden}>Unchanged lines left out</span>
          </li>
        ) : (
          <li key={index} className={mergeClasses(styles.line, styles[line.kind])} data-diff={line.kind}>
            <span className={styles.marker} aria-hidden>
              {MARKER[line.kind]}
            </span>
            <span>
              <span className={styles.hidden}>{SPOKEN[line.kind]}</span>
              {line.text}
            </span>
          </li>
        ),
      )}
    </ul>
  );
}
