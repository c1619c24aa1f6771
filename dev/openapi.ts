/**
 * `deno task openapi`: writes each service's OpenAPI document, generated
 * in-process from the same apps and zod schemas that serve it, to
 * `docs/openapi/<service>.json`. `deno task openapi --check` writes nothing
 * and fails if a checked-in document differs from the generated one (CI runs it).
 */
import { createAuthApp } from "../functions/auth/app.ts";
import { createCheckoutApp } from "../functions/checkout/app.ts";
import { createSearchApp } from "../functions/search/app.ts";
import type { App } from "../shared/app.ts";
import { openApiConfig } from "../shared/openapi.ts";
import { type Service, SERVICES } from "./local_env.ts";

const apps: Record<Service, () => App> = {
  auth: createAuthApp,
  search: createSearchApp,
  checkout: createCheckoutApp,
};

/** The generated document of one service, as the file holds it (2-space JSON, final newline). */
export function openApiText(service: Service): string {
  const doc = apps[service]().getOpenAPI31Document(openApiConfig(service));
  return JSON.stringify(doc, null, 2) + "\n";
}

/** Where a service's document is checked in. */
export const openApiFile = (service: Service) =>
  new URL(`../docs/openapi/${service}.json`, import.meta.url);

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  let drift = false;
  for (const service of SERVICES) {
    const text = openApiText(service);
    const file = openApiFile(service);
    const path = `docs/openapi/${service}.json`;
    if (!check) {
      await Deno.writeTextFile(file, text);
      console.log(`wrote ${path}`);
      continue;
    }
    const current = await Deno.readTextFile(file).catch(() => "");
    if (current !== text) {
      console.error(`${path} is out of date: run \`deno task openapi\` and commit it`);
      drift = true;
    } else console.log(`${path} is up to date`);
  }
  if (drift) Deno.exit(1);
}
