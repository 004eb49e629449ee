// Token lifetimes a request may choose: only with the behavior, and never above the caps.
import type { AppPrincipal } from "../auth/app-tokens.js";
import type { Config } from "../config.js";
import { ForbiddenError, InvalidParameterError } from "../http/errors.js";

export const CONFIGURE_TOKEN_DURATIONS = "customer-auth:configure-token-durations";

export interface Lifetimes {
  accessMinutes: number;
  refreshMinutes: number;
}

export function requestedLifetimes(
  app: AppPrincipal,
  request: { authTicketTtlMinutes?: number | null; refreshTokenTtlMinutes?: number | null },
  tokens: Config["tokens"],
): Lifetimes {
  const access = request.authTicketTtlMinutes ?? undefined;
  const refresh = request.refreshTokenTtlMinutes ?? undefined;
  if (access === undefined && refresh === undefined) {
    return { accessMinutes: tokens.accessTtlMinutes, refreshMinutes: tokens.refreshTtlMinutes };
  }
  if (!app.behaviors.includes(CONFIGURE_TOKEN_DURATIONS)) {
    throw new ForbiddenError(
      `Choosing token lifetimes needs the application behavior ${CONFIGURE_TOKEN_DURATIONS}.`,
    );
  }
  const problems = (
    [
      ["authTicketTtlMinutes", access, tokens.tenantMaxAccessTtlMinutes],
      ["refreshTokenTtlMinutes", refresh, tokens.tenantMaxRefreshTtlMinutes],
    ] as const
  )
    .filter(([, value, cap]) => value !== undefined && value > cap)
    .map(([name, , cap]) => ({ name, value: `must be at most ${cap} (the tenant's cap)` }));
  if (problems.length > 0) {
    throw new InvalidParameterError(
      `Missing or invalid parameter: ${problems.map((p) => `${p.name} ${p.value}`).join("; ")}`,
      problems,
    );
  }
  return {
    accessMinutes: access ?? tokens.accessTtlMinutes,
    refreshMinutes: refresh ?? tokens.refreshTtlMinutes,
  };
}
