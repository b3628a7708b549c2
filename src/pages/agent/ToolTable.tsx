import {
  Badge,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import type { AgentTool } from '../../api/types.js';
import { SectionCard } from '../../components/SectionCard/SectionCard.js';
import { humanize } from '../../format.js';
import { useAgentPageStyles } from './useAgentPageStyles.styles.js';

export function ConnectionModeBadge({ mode }: { mode: AgentTool['connectionMode'] }) {
  return mode === 'maker' ? (
    <Badge color="danger" appearance="tint">
      Maker&apos;s credentials
    </Badge>
  ) : (
    <Badge color="success" appearance="tint">
      User&apos;s credentials
    </Badge>
  );
}

/** The agent's tools: kind, server, operations and whose credentials they run on. */
export function ToolTable({ tools }: { tools: AgentTool[] }) {
  const styles = useAgentPageStyles();
  const onMaker = tools.filter((t) => t.connectionMode === 'maker');
  return (
    <SectionCard title={`Tools (${tools.length})`}>
      {onMaker.length > 0 ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              {onMaker.length} tool{onMaker.length > 1 ? 's run' : ' runs'} on the maker&apos;s credentials
            </MessageBarTitle>
            Anyone using the agent acts with the maker&apos;s access: {onMaker.map((t) => t.name).join(', ')}.
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {tools.length === 0 ? (
        <Caption1>This agent has no tools.</Caption1>
      ) : (
        <div className={styles.scroll}>
          <Table aria-label="Tools" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Tool</TableHeaderCell>
                <TableHeaderCell>Kind</TableHeaderCell>
                <TableHeaderCell>Server or connector</TableHeaderCell>
                <TableHeaderCell>Operations</TableHeaderCell>
                <TableHeaderCell>Connection</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {tools.map((tool) => (
                <TableRow key={tool.id}>
                  <TableCell>
                    <div className={styles.toolName}>
                      <strong>{tool.name}</strong>
                      {tool.description ? (
                        <Caption1 className={styles.toolDescription}>{tool.description}</Caption1>
                      ) : null}
                    </div>
                  </TableCell>
                  <TableCell>{tool.kind === 'mcpServer' ? 'MCP server' : humanize(tool.kind)}</TableCell>
                  <TableCell>{tool.serverUrl ?? tool.connector ?? '—'}</TableCell>
                  <TableCell>
                    <div className={styles.ops}>
                      {tool.operations.length === 0
                        ? '—'
                        : tool.operations.map((op) => (
                            <Badge
                              key={op.name}
                              appearance="outline"
                              color={op.access === 'write' ? 'warning' : 'informative'}
                            >
                              {op.name}: {op.access}
                            </Badge>
                          ))}
                    </div>
                  </TableCell>
                  <TableCell>
                    <ConnectionModeBadge mode={tool.connectionMode} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </SectionCard>
  );
}
