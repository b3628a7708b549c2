import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiClient, ApiRequestError } from '../api/api-client.js';
import type { Me, Persona, ServerInfo } from '../api/types.js';
import { createWardenApi, type WardenApi } from '../api/warden-api.js';
import type { HostInfo } from '../host/host-types.js';
import { createSsoAuth } from '../host/sso-auth.js';
import { DEFAULT_PATH, parseRoute, pathFromSubPageId } from '../router/routes.js';
import { prefetchFirstAgentPage } from '../pages/agents/agentListQuery.js';
import { forgetPersona, personaFromQuery, readRememberedPersona, rememberPersona } from '../session/dev-persona.js';
import type { SessionValue } from '../session/Session.js';

export type BootState =
  | { phase: 'starting' }
  | { phase: 'failed'; error: Error }
  /** AUTH=entra opened outside Teams: there is no SSO token to get. */
  | { phase: 'needsTeams' }
  /** Signed in, but the server refuses the person (403 from /me): no Agent Warden app role. */
  | { phase: 'noRole'; reason: string; switchPersona: (() => void) | null }
  | { phase: 'choosePersona'; personas: Persona[]; initialUpn: string | null; notice: string | null }
  | { phase: 'ready'; session: SessionValue };

function personaApi(upn: string): WardenApi {
  return createWardenApi(new ApiClient({ authHeaders: async () => ({ 'x-dev-user': upn }) }));
}

function earlyPersonaSignIn(upn: string): { api: WardenApi; me: Promise<Me> } {
  const api = personaApi(upn);
  const me = api.me();
  me.catch(() => undefined); // handled when used; unused when the server is not AUTH=dev
  // Opening on the registry: its first page is asked for now too (used only by this session's api).
  if (parseRoute(window.location.pathname === '/' ? DEFAULT_PATH : window.location.pathname).name === 'agents') {
    prefetchFirstAgentPage(api);
  }
  return { api, me };
}

interface EarlyBoot {
  info: Promise<ServerInfo>;
  persona: { upn: string; api: WardenApi; me: Promise<Me> } | null;
}

let earlyBoot: EarlyBoot | null = null;

/**
 * Called by main.tsx before React renders: the first requests (how people sign in, who the remembered
 * persona is, the registry's first page) leave while React and Fluent set up, not after the first render.
 * The first bootstrap takes them; a retry asks again.
 */
export function startEarlyBoot(): void {
  const info = createWardenApi(new ApiClient()).info();
  info.catch(() => undefined); // handled by the bootstrap that takes it
  const upn = personaFromQuery(window.location.search) ?? readRememberedPersona();
  earlyBoot = { info, persona: upn ? { upn, ...earlyPersonaSignIn(upn) } : null };
}

/** The server's answer to a signed-in person without an Agent Warden role. */
function isNoRole(error: unknown): error is ApiRequestError {
  return error instanceof ApiRequestError && error.status === 403;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Removes `?as=` once it has been used, so a reload does not undo a later persona switch. */
function dropQueryParam(name: string): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has(name)) return;
  url.searchParams.delete(name);
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
}

/**
 * Starts the tab: finds the host (Teams or browser), asks the server how people sign in, signs in
 * (Teams SSO, or a dev persona) and loads who the person is.
 */
export function useAppBootstrap(detect: () => Promise<HostInfo>) {
  const [state, setState] = useState<BootState>({ phase: 'starting' });
  const [host, setHost] = useState<HostInfo | null>(null);
  const [attempt, setAttempt] = useState(0);
  const context = useRef<{ host: HostInfo; info: ServerInfo } | null>(null);
  const publicApi = useRef(createWardenApi(new ApiClient()));

  const showPicker = useCallback(async (initialUpn: string | null, notice: string | null) => {
    try {
      const personas = await publicApi.current.personas();
      setState({ phase: 'choosePersona', personas, initialUpn, notice });
    } catch (error) {
      setState({ phase: 'failed', error: asError(error) });
    }
  }, []);

  const signInAsPersona = useCallback(
    async (upn: string, early?: { api: WardenApi; me: Promise<Me> }) => {
      const ctx = context.current;
      if (!ctx) return;
      const api = early?.api ?? personaApi(upn);
      const switchPersona = () => {
        forgetPersona();
        void showPicker(upn, null);
      };
      try {
        const me = await (early?.me ?? api.me());
        setState({
          phase: 'ready',
          session: { api, me, info: ctx.info, host: ctx.host, devUser: upn, switchPersona },
        });
      } catch (error) {
        if (isNoRole(error)) {
          setState({ phase: 'noRole', reason: error.message, switchPersona });
        } else if (error instanceof ApiRequestError && [401, 404].includes(error.status)) {
          forgetPersona();
          await showPicker(null, `Could not sign in as ${upn}: ${error.message}`);
        } else {
          setState({ phase: 'failed', error: asError(error) });
        }
      }
    },
    [showPicker],
  );

  useEffect(() => {
    let cancelled = false;
    setState({ phase: 'starting' });
    (async () => {
      // A persona from the link or from last time: ask who it is alongside the server's sign-in mode,
      // instead of after it (the answer is dropped unless the server says AUTH=dev).
      const boot = earlyBoot;
      earlyBoot = null;
      const knownUpn = personaFromQuery(window.location.search) ?? readRememberedPersona();
      const early =
        boot?.persona && boot.persona.upn === knownUpn ? boot.persona : knownUpn ? earlyPersonaSignIn(knownUpn) : null;
      const [detected, info] = await Promise.all([detect(), boot?.info ?? publicApi.current.info()]);
      if (cancelled) return;
      context.current = { host: detected, info };
      setHost(detected);
      const deepLink = pathFromSubPageId(detected.subPageId);
      if (deepLink) window.history.replaceState(null, '', deepLink);

      if (info.auth === 'dev') {
        const fromLink = personaFromQuery(window.location.search);
        if (fromLink) {
          rememberPersona(fromLink);
          dropQueryParam('as');
        }
        const upn = fromLink ?? readRememberedPersona();
        if (upn) await signInAsPersona(upn, early && upn === knownUpn ? early : undefined);
        else await showPicker(null, null);
        return;
      }
      if (!detected.inTeams) {
        setState({ phase: 'needsTeams' });
        return;
      }
      const api = createWardenApi(
        new ApiClient({ authHeaders: createSsoAuth(detected, info.clientId), retryUnauthorized: true }),
      );
      let me: Me;
      try {
        me = await api.me();
      } catch (error) {
        if (!isNoRole(error)) throw error;
        if (!cancelled) setState({ phase: 'noRole', reason: error.message, switchPersona: null });
        return;
      }
      if (cancelled) return;
      setState({
        phase: 'ready',
        session: { api, me, info, host: detected, devUser: null, switchPersona: () => undefined },
      });
    })().catch((error: unknown) => {
      if (!cancelled) setState({ phase: 'failed', error: asError(error) });
    });
    return () => {
      cancelled = true;
    };
  }, [detect, attempt, showPicker, signInAsPersona]);

  const pickPersona = useCallback(
    (upn: string) => {
      rememberPersona(upn);
      setState({ phase: 'starting' });
      void signInAsPersona(upn);
    },
    [signInAsPersona],
  );

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, host, pickPersona, retry };
}
