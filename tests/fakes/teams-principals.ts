import type { Principal } from '../../bot/src/domain/types.js';
import type { PrincipalResolver } from '../../bot/src/teams/ports.js';

/** Zava's people as Teams sends them (from.id, aadObjectId) and as Agent Warden knows them. */
export interface TeamsPerson {
  teamsId: string;
  aadObjectId: string;
  principal: Principal;
}

const person = (key: string, displayName: string, roles: Principal['roles']): TeamsPerson => ({
  teamsId: `29:${key}`,
  aadObjectId: `aad-${key}`,
  principal: { id: `user-${key}`, upn: `${key}@zava.example`, displayName, roles },
});

export const ADELE = person('adele', 'Adele Vance', ['responder']);
export const MEGAN = person('megan', 'Megan Bowen', ['admin']);
export const LEE = person('lee', 'Lee Gu', ['viewer']);
/** Signed in to Teams, unknown to Agent Warden. */
export const STRANGER: TeamsPerson = {
  teamsId: '29:stranger',
  aadObjectId: 'aad-stranger',
  principal: { id: 'nobody', upn: 'stranger@elsewhere.example', displayName: 'Stranger', roles: [] },
};

export class FakePrincipalResolver implements PrincipalResolver {
  readonly lookups: string[] = [];

  constructor(private readonly people: TeamsPerson[] = [ADELE, MEGAN, LEE]) {}

  async byAadObjectId(aadObjectId: string): Promise<Principal | null> {
    this.lookups.push(aadObjectId);
    return this.people.find((p) => p.aadObjectId === aadObjectId)?.principal ?? null;
  }

  async byUpn(upn: string): Promise<Principal | null> {
    this.lookups.push(upn);
    return this.people.find((p) => p.principal.upn === upn.toLowerCase())?.principal ?? null;
  }
}
