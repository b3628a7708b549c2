import {
  Button,
  Card,
  CardHeader,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Subtitle1,
  Text,
} from '@fluentui/react-components';
import type { FormEvent } from 'react';
import { ROLE_LABEL } from '../../format.js';
import type { PersonaPickerProps } from './PersonaPicker.types.js';
import { usePersonaPicker } from './usePersonaPicker.js';
import { usePersonaPickerStyles } from './usePersonaPickerStyles.styles.js';

/** AUTH=dev sign-in: pick one of the demo identities. */
export function PersonaPicker(props: PersonaPickerProps) {
  const { selected, setSelected, submit } = usePersonaPicker(props);
  const styles = usePersonaPickerStyles();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };
  return (
    <Card className={styles.root}>
      <CardHeader header={<Subtitle1 as="h1">Sign in to Agent Warden</Subtitle1>} />
      <form className={styles.form} onSubmit={onSubmit}>
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Development sign-in</MessageBarTitle>
            The server runs with AUTH=dev: pick a demo persona. Nobody is authenticated.
          </MessageBarBody>
        </MessageBar>
        {props.notice ? (
          <MessageBar intent="info">
            <MessageBarBody>{props.notice}</MessageBarBody>
          </MessageBar>
        ) : null}
        <RadioGroup aria-label="Persona" value={selected} onChange={(_, data) => setSelected(data.value)}>
          {props.personas.map((p) => (
            <Radio
              key={p.upn}
              value={p.upn}
              label={
                <>
                  <Text weight="semibold">{p.displayName}</Text> — {p.jobTitle}{' '}
                  <Text className={styles.roles}>({p.roles.map((r) => ROLE_LABEL[r]).join(', ') || 'no role'})</Text>
                </>
              }
            />
          ))}
        </RadioGroup>
        <div>
          <Button appearance="primary" type="submit" disabled={!selected}>
            Sign in
          </Button>
        </div>
      </form>
    </Card>
  );
}
