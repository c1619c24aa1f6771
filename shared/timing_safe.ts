/**
 * Constant-time equality of two byte strings (MACs, password hashes).
 *
 * Why not a library: Web Crypto has no standard `timingSafeEqual`; Workers'
 * `crypto.subtle.timingSafeEqual` does not exist on Deno, and
 * `node:crypto` would put Node-only code in the bundles. So this is the
 * double-HMAC compare: both inputs are signed with a one-off random key
 * and `crypto.subtle.verify`, whose comparison is constant-time on both
 * runtimes, checks one MAC against the other. An attacker cannot steer
 * MACs under a key they never see, and unequal lengths need no early exit.
 */
export async function timingSafeEqual(a: Uint8Array, b: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
  const macOfA = await crypto.subtle.sign("HMAC", key, a as BufferSource);
  return await crypto.subtle.verify("HMAC", key, macOfA, b as BufferSource);
}
