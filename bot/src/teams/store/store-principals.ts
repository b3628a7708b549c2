// PrincipalResolver over the users table: the Teams identity (Entra object id, UPN) of whoever typed or
// clicked -> the Agent Warden principal with its roles.
import type { DirectoryUser, Principal } from '../../domain/types.js';
import type { UserRepository } from '../../store/user-repository.js';
import type { PrincipalResolver } from '../ports.js';

export interface StorePrincipalResolverOptions {
  /**
   * Entra object ids that stand for a directory user by UPN: in embedded mode, the ids a Teams stand-in
   * (the Agents Playground's built-in users) sends for the demo personas. Empty in Graph mode, where the
   * users table holds the tenant's real object ids.
   */
  aliases?: ReadonlyMap<string, string>;
}

const toPrincipal = (u: DirectoryUser): Principal | null =>
  u.roles.length > 0 && u.accountEnabled
    ? { id: u.id, upn: u.upn, displayName: u.displayName, roles: [...u.roles] }
    : null;

export class StorePrincipalResolver implements PrincipalResolver {
  private readonly aliases: ReadonlyMap<string, string>;

  constructor(
    private readonly users: UserRepository,
    options: StorePrincipalResolverOptions = {},
  ) {
    this.aliases = new Map([...(options.aliases ?? new Map<string, string>())].map(([k, v]) => [k.toLowerCase(), v]));
  }

  /** The person's directory record (with or without a role); null when unknown. */
  async userByAadObjectId(aadObjectId: string): Promise<DirectoryUser | null> {
    const id = aadObjectId.trim();
    if (!id) return null;
    const user = await this.users.get(id);
    if (user && user.id === id) return user;
    const alias = this.aliases.get(id.toLowerCase());
    return alias ? this.users.get(alias) : null;
  }

  async byAadObjectId(aadObjectId: string): Promise<Principal | null> {
    const user = await this.userByAadObjectId(aadObjectId);
    return user ? toPrincipal(user) : null;
  }

  async byUpn(upn: string): Promise<Principal | null> {
    const value = upn.trim();
    // users.get also matches ids: a UPN always has an @.
    if (!value.includes('@')) return null;
    const user = await this.users.get(value);
    return user ? toPrincipal(user) : null;
  }
}
