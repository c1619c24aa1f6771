import { sqlClient } from "../shared/db.ts";
import { upsertUser, type UserRow } from "../functions/auth/accounts_sql.ts";
import { authEnv } from "../functions/auth/env.ts";
import { hashPassword } from "../functions/auth/password.ts";

/**
 * Creates or updates the admin account (role admin, password reset to
 * `password`). `env` is the auth service's env (its DATABASE_URL, hashing
 * parameters and pepper); called from db/seed.ts with SEED_ADMIN_EMAIL /
 * SEED_ADMIN_PASSWORD (local defaults admin@edgeshop.local / edgeshop-admin).
 */
export async function seedAdmin(
  env: Record<string, unknown>,
  email: string,
  password: string,
): Promise<UserRow> {
  const e = authEnv(env);
  if (password.length < 8 || password.length > 256) {
    throw new Error("Cannot seed the admin: the password must be 8 to 256 characters");
  }
  const passwordHash = await hashPassword(password, {
    iterations: e.PASSWORD_PBKDF2_ITERATIONS,
    pepper: e.PASSWORD_PEPPER,
  });
  return await upsertUser(sqlClient(e), {
    email: email.trim().toLowerCase(),
    name: "Admin",
    passwordHash,
    role: "admin",
  });
}
