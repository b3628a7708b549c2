/**
 * Reason codes returned to Copilot Studio in `reasonCode`, and the `reason` the end user reads.
 *
 * The numbers are a stable contract: they are stored with every protection event and may appear in
 * Copilot Studio's logs, so a code is never reused or renumbered. The `reason` texts are written for
 * the person chatting with the agent: they say what happened and what to do, never which rule,
 * detector or threshold fired (that goes to `diagnostics` and to the alert).
 *
 * | code | meaning                                                                   |
 * | ---- | ------------------------------------------------------------------------- |
 * | 0    | allowed                                                                   |
 * | 1001 | the agent is blocked in the registry                                      |
 * | 1002 | the user is confirmed compromised or must reset their password            |
 * | 1003 | data would leave the organization while the conversation shows an attack  |
 * | 1004 | instructions hidden in the tool's inputs or in earlier tool outputs       |
 * | 1005 | a tool the agent does not declare                                         |
 * | 1006 | a write on an MCP server on the maker's credentials, for another user     |
 * | 1007 | too many calls of the same sensitive tool in a short time                 |
 * | 1010 | a recipient or destination on the deny list                               |
 * | 1011 | hidden (Bcc) recipients outside the organization                          |
 * | 1012 | inputs too large or deep to check, on a tool that can send data out       |
 * | 1013 | instructions hidden in the tool's own definition (tool poisoning)         |
 * | 1014 | the tool's definition changed since it was first seen (rug pull)          |
 * | 2001 | fail mode: the decision did not finish within the budget                  |
 * | 2002 | fail mode: the decision failed with an internal error                     |
 */

export const REASON_CODES = {
  allowed: 0,
  agentBlocked: 1001,
  userCompromised: 1002,
  exfiltration: 1003,
  injectionInData: 1004,
  undeclaredTool: 1005,
  makerMcpWrite: 1006,
  burst: 1007,
  denyListedRecipient: 1010,
  hiddenExternalRecipients: 1011,
  uncheckedInputs: 1012,
  toolPoisoning: 1013,
  rugPull: 1014,
  failModeTimeout: 2001,
  failModeError: 2002,
} as const;

export type ReasonCodeName = keyof typeof REASON_CODES;
export type ReasonCode = (typeof REASON_CODES)[ReasonCodeName];

const POLICY = "This action was blocked by your organization's security policy";

/** What the end user reads for each code. */
export const REASON_TEXT: Record<ReasonCode, string> = {
  0: 'Allowed.',
  1001: `${POLICY} because this agent has been blocked by your administrators.`,
  1002: `${POLICY} because your account needs attention. Sign out, sign in again and reset your password, or contact your IT help desk.`,
  1003: `${POLICY} because it would send data outside your organization.`,
  1004: `${POLICY} because the content it was about to use contains instructions that did not come from you.`,
  1005: `${POLICY} because this agent tried to use a tool it is not approved to use.`,
  1006: `${POLICY} because this tool would make changes with another person's permissions.`,
  1007: `${POLICY} because this tool was used too many times in a short period. Try again later.`,
  1010: `${POLICY} because one of the recipients or destinations is not allowed.`,
  1011: `${POLICY} because it would send a hidden copy outside your organization.`,
  1012: `${POLICY} because its content is too large to be checked. Try again with less content.`,
  1013: `${POLICY} because this tool's description contains instructions that did not come from you.`,
  1014: `${POLICY} because this tool has changed since it was approved for this agent.`,
  2001: "This action was blocked because your organization's security check did not answer in time. Try again in a moment.",
  2002: "This action was blocked because your organization's security check could not complete. Try again in a moment.",
};

export function reasonText(code: ReasonCode): string {
  return REASON_TEXT[code];
}
