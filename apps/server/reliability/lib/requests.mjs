// The requests the reliability script and the reliability test suites send, in one place: plain
// .mjs (the script runs without a TypeScript build), typed for the suites by requests.d.mts.

export const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";
export const LOG_IN = "/api/commerce/customer/authtickets";
export const OAUTH = "/api/platform/applications/authtickets/oauth";

/** Limits high enough that load scenarios measure the server, not its rate limiter. */
export const NO_RATE_LIMITS = {
  RATE_LIMIT_PER_ADDRESS: "1000000",
  RATE_LIMIT_PER_ACCOUNT: "1000000",
};

let sequence = 0;
/** A fresh address, unique across runs and workers. */
export function freshEmail(tag = "rel") {
  sequence += 1;
  return `${tag}.${process.pid}.${Date.now().toString(36)}.${sequence}@example.com`;
}

/** A sign-up body with a row in every child table, so that orphans could show. */
export function richSignUp(email, password) {
  return JSON.stringify({
    account: {
      emailAddress: email,
      firstName: "Grace",
      lastName: "Hopper",
      contacts: [
        { email, firstName: "Grace", address: { cityOrTown: "Arlington", countryCode: "US" } },
      ],
      attributes: [{ fullyQualifiedName: "tenant~tier", values: ["gold"] }],
      notes: [{ content: "Signed up under load." }],
      segments: [{ id: 1, code: "load", name: "Load" }],
    },
    password,
    fingerprint: "reliability-device",
    region: "us-east",
  });
}
