import { describe, expect, it } from 'vitest';
import type { Detection } from '../../bot/src/domain/incident-correlator.js';
import { correlate, incidentTitle, entitiesOf } from '../../bot/src/domain/incident-correlator.js';
import type { Alert, Evidence } from '../../bot/src/domain/types.js';

const griffin: Evidence = { type: 'user', userId: 'u-griffin', upn: 'griffin@zava.example', displayName: 'Griffin' };
const billing: Evidence = {
  type: 'agent',
  agentId: 'a-billing',
  agentName: 'Customer Billing Agent',
  platform: 'copilotStudio',
};
const sendEmail: Evidence = { type: 'tool', toolId: 't-send', toolName: 'Send an email', agentId: 'a-billing' };
const ip: Evidence = { type: 'ip', address: '78.131.11.108' };

const detection = (over: Partial<Detection> = {}): Detection => ({
  detectorId: 'exfiltration',
  title: 'Blocked tool invocation: data sent outside the organization',
  description: '',
  category: 'Collection',
  severity: 'high',
  mitreTechniques: ['T1114'],
  recommendedActions: '',
  evidence: [griffin, billing, sendEmail, ip],
  dedupKey: 'exfiltration|u-griffin|a-billing|t-send',
  at: '2026-11-22T10:00:00.000Z',
  ...over,
});

let n = 0;
const newId = () => `id-${++n}`;

describe('incident correlation', () => {
  it('a first detection opens an alert and an incident with its entities', () => {
    const r = correlate({ detection: detection(), openAlert: null, openIncident: null, incidentAlerts: [], newId });
    expect(r.alertCreated && r.incidentCreated && r.incidentChanged).toBe(true);
    expect(r.alert.incidentId).toBe(r.incident.id);
    expect(r.incident).toMatchObject({
      title: 'Collection incident involving one user',
      severity: 'high',
      alertCount: 1,
      eventCount: 1,
    });
    expect(r.incident.entities).toEqual({
      users: [{ userId: 'u-griffin', upn: 'griffin@zava.example', displayName: 'Griffin' }],
      agents: [{ agentId: 'a-billing', agentName: 'Customer Billing Agent', platform: 'copilotStudio' }],
      tools: [{ toolId: 't-send', toolName: 'Send an email', agentId: 'a-billing' }],
      ips: ['78.131.11.108'],
    });
  });

  it('a repeated identical detection grows the same alert, not a new one', () => {
    const first = correlate({ detection: detection(), openAlert: null, openIncident: null, incidentAlerts: [], newId });
    const again = correlate({
      detection: detection({ at: '2026-11-22T10:02:00.000Z' }),
      openAlert: first.alert,
      openIncident: first.incident,
      incidentAlerts: [first.alert],
      newId,
    });
    expect(again.alertCreated || again.incidentCreated).toBe(false);
    expect(again.alert.id).toBe(first.alert.id);
    expect(again.alert.eventCount).toBe(2);
    expect(again.incident).toMatchObject({
      id: first.incident.id,
      alertCount: 1,
      eventCount: 2,
      lastActivityAt: '2026-11-22T10:02:00.000Z',
    });
    expect(again.incidentChanged).toBe(false);
  });

  it('a different detection about the same user joins the open incident', () => {
    const first = correlate({ detection: detection(), openAlert: null, openIncident: null, incidentAlerts: [], newId });
    const jailbreak = correlate({
      detection: detection({
        detectorId: 'persistent-jailbreak',
        title: 'Persistent jailbreak attempts',
        category: 'InitialAccess',
        severity: 'medium',
        evidence: [griffin, billing, ip],
        dedupKey: 'persistent-jailbreak|u-griffin|a-billing|w1',
      }),
      openAlert: null,
      openIncident: first.incident,
      incidentAlerts: [first.alert],
      newId,
    });
    expect(jailbreak.incident.id).toBe(first.incident.id);
    expect(jailbreak.incident.alertCount).toBe(2);
    expect(jailbreak.incident.severity).toBe('high');
    expect(jailbreak.incident.title).toBe(
      'Multi-stage incident involving Collection & Initial access involving one user',
    );
    expect(jailbreak.incidentChanged).toBe(true);
  });

  it('raises the incident severity with a more severe alert', () => {
    const first = correlate({
      detection: detection({ severity: 'medium' }),
      openAlert: null,
      openIncident: null,
      incidentAlerts: [],
      newId,
    });
    const critical = correlate({
      detection: detection({ severity: 'critical', at: '2026-11-22T10:05:00.000Z' }),
      openAlert: first.alert,
      openIncident: first.incident,
      incidentAlerts: [first.alert],
      newId,
    });
    expect(critical.incident.severity).toBe('critical');
    expect(critical.alert.severity).toBe('critical');
    expect(critical.incidentChanged).toBe(true);
  });

  it.each([
    [[griffin], 'one user'],
    [[griffin, { ...griffin, userId: 'u2' }], '2 users'],
    [[billing], 'one agent'],
  ] as [Evidence[], string][])('titles name who is involved (%#)', (evidence, subject) => {
    const alert = { category: 'Exfiltration', severity: 'high', createdAt: 'x', evidence } as Alert;
    expect(incidentTitle([alert], entitiesOf([alert]))).toBe(`Exfiltration incident involving ${subject}`);
  });
});
