import type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest } from "./provider.ts";

/**
 * Where a fault strikes around a charge: before the request reaches the
 * provider (nothing was charged), or after the provider charged but before
 * its answer got back (the charge exists; only the caller does not know).
 */
export type FaultPoint = "before_charge" | "after_charge";

export interface FaultPlan {
  point: FaultPoint;
  /** `error`: a network error at once; `timeout`: hang `delayMs`, then time out. */
  mode: "error" | "timeout";
  delayMs?: number;
  /**
   * How many charges fail before the provider behaves again (default 1).
   * Counted down on the plan itself, so one plan spans every provider
   * wrapped with it (the app builds a provider per request).
   */
  times?: number;
}

/**
 * Wraps a provider so charges fail the way real networks fail. This is the
 * seam the fault tests use, and the one to use for a game day: it is a
 * `PaymentProvider` like any other, injected through `createCheckoutApp`, so
 * no production path knows it is being tested.
 */
export function withFaults(inner: PaymentProvider, plan: FaultPlan): PaymentProvider {
  plan.times ??= 1;
  const strike = async (point: FaultPoint) => {
    if (plan.point !== point || plan.times! <= 0) return;
    plan.times!--;
    if (plan.mode === "timeout") {
      await new Promise((r) => setTimeout(r, plan.delayMs ?? 50));
      throw new DOMException("The payment provider did not answer in time", "TimeoutError");
    }
    throw new TypeError("error sending request: connection reset by peer");
  };
  return {
    async charge(req: ChargeRequest): Promise<ChargeResult> {
      await strike("before_charge");
      const result = await inner.charge(req);
      await strike("after_charge");
      return result;
    },
    findCharge: (key, orderId) => inner.findCharge(key, orderId),
    refund: (req: RefundRequest) => inner.refund(req),
  };
}
