import * as os from "node:os";

/**
 * Who runs the command, recorded with every update it makes: the DIY
 * backends keep no user of their own, and the environment Pulumi records
 * names the git author of HEAD, not the person at the keyboard. A team sets
 * SWITCHYARD_OPERATOR to the identity it wants (a CI job id, an SSO name).
 */
export function operatorIdentity(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.SWITCHYARD_OPERATOR?.trim();
  if (configured) return configured;
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = env.USER ?? "unknown";
  }
  return `${user}@${os.hostname()}`;
}
