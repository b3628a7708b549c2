import { describe, expect, it } from 'vitest';
import { mayDo, mayPerform } from '../../bot/src/domain/authorization.js';
import { can } from '../../src/session/permissions.js';

describe('who may do what', () => {
  it('keeps blocking many agents at once to admins, though a responder may block one', () => {
    expect(mayPerform({ roles: ['responder'] }, 'blockAgent')).toBe(true);
    expect(mayDo({ roles: ['responder'] }, 'bulkBlockAgents')).toBe(false);
    expect(mayDo({ roles: ['admin'] }, 'bulkBlockAgents')).toBe(true);
    expect(mayDo({ roles: ['viewer'] }, 'bulkBlockAgents')).toBe(false);
  });

  it('gives the tab the server’s answer for single and bulk actions alike', () => {
    for (const roles of [['admin'], ['responder'], ['viewer'], ['responder', 'admin']] as const) {
      for (const permission of ['blockAgent', 'unblockAgent', 'revokeUser', 'bulkBlockAgents'] as const) {
        expect(can(roles, permission)).toBe(mayDo({ roles: [...roles] }, permission));
      }
    }
    expect(can(['responder'], 'revokeUser')).toBe(true);
    expect(can(['admin'], 'revokeUser')).toBe(false);
  });
});
