// Types of requests.mjs.
export const SIGN_UP: string;
export const LOG_IN: string;
export const OAUTH: string;
export const NO_RATE_LIMITS: Record<string, string>;
export function freshEmail(tag?: string): string;
export function richSignUp(email: string, password: string): string;
