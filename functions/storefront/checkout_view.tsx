/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** The checkout form: address, a test card, and the order summary with stock problems per line. */
import type { CartView } from "./cart.ts";
import { Alert, money } from "./layout.tsx";
import { stockMessage } from "./problems.ts";

/** The test cards, in API.md's order, by the name the shopper sees. */
export const CARDS = [
  ["pm_card_visa", "Visa"],
  ["pm_card_mastercard", "Mastercard"],
  ["pm_card_chargeDeclined", "Declined card"],
  ["pm_card_chargeDeclinedInsufficientFunds", "Insufficient funds"],
  ["pm_card_chargeDeclinedExpiredCard", "Expired card"],
  ["pm_card_chargeDeclinedProcessingError", "Processing error"],
] as const;

export type PaymentMethod = (typeof CARDS)[number][0];

const COUNTRIES: [string, string][] = [
  ["US", "United States"],
  ["CA", "Canada"],
  ["GB", "United Kingdom"],
  ["IE", "Ireland"],
  ["DE", "Germany"],
  ["FR", "France"],
  ["NL", "Netherlands"],
  ["ES", "Spain"],
  ["IT", "Italy"],
  ["AU", "Australia"],
  ["JP", "Japan"],
];

export interface CheckoutForm {
  name: string;
  line1: string;
  city: string;
  postal_code: string;
  country: string;
  payment: string;
}

export interface CheckoutState {
  cart: CartView;
  form: CheckoutForm;
  /** The Idempotency-Key of this attempt: a resubmit of this form reuses it. */
  idempotencyKey: string;
  top?: string;
  errors: Record<string, string>;
  /** product id → what is left, from a 409 insufficient_stock. */
  short: Map<string, { requested: number; available: number }>;
}

export function CheckoutPage(props: CheckoutState) {
  const { cart, form, errors } = props;
  const text = (name: keyof CheckoutForm, label: string, auto: string) => (
    <>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        autocomplete={auto}
        required
        value={form[name]}
        aria-invalid={errors[name] ? "true" : undefined}
        aria-describedby={errors[name] ? `${name}-error` : undefined}
      />
      {errors[name]
        ? <p class="field-error" role="alert" id={`${name}-error`}>{errors[name]}</p>
        : null}
    </>
  );
  return (
    <>
      <h1>Checkout</h1>
      {props.top ? <Alert>{props.top}</Alert> : null}
      <section aria-labelledby="summary">
        <h2 id="summary">Your order</h2>
        <ul>
          {cart.items.map((line) => {
            const short = props.short.get(line.product_id);
            return (
              <li>
                {line.quantity} × {line.name}: {money(line.line_total_cents)}
                {short
                  ? (
                    <Alert>
                      {stockMessage(line.name, short.requested, short.available)}{" "}
                      <a href="/cart">Change your cart</a>
                    </Alert>
                  )
                  : null}
              </li>
            );
          })}
        </ul>
        <p>
          Subtotal: <strong>{money(cart.subtotal_cents)}</strong>
        </p>
      </section>
      <form method="post" action="/order">
        <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
        <h2>Shipping address</h2>
        {text("name", "Full name", "name")}
        {text("line1", "Address", "address-line1")}
        {text("city", "City", "address-level2")}
        {text("postal_code", "Postal code", "postal-code")}
        <label for="country">Country</label>
        <select
          id="country"
          name="country"
          autocomplete="country"
          aria-describedby={errors.country ? "country-error" : undefined}
        >
          {COUNTRIES.map(([code, label]) => (
            <option value={code} selected={form.country === code}>{label}</option>
          ))}
        </select>
        {errors.country
          ? <p class="field-error" role="alert" id="country-error">{errors.country}</p>
          : null}
        <fieldset
          role="radiogroup"
          aria-labelledby="payment-legend"
          aria-describedby={errors.payment ? "payment-error" : undefined}
        >
          <legend id="payment-legend">Payment</legend>
          <p class="muted">Test cards: no real money moves.</p>
          {CARDS.map(([id, label]) => (
            <label>
              <input
                type="radio"
                name="payment"
                value={id}
                checked={form.payment === id}
                required
              />
              {label}
            </label>
          ))}
          {errors.payment
            ? <p class="field-error" role="alert" id="payment-error">{errors.payment}</p>
            : null}
        </fieldset>
        <p>
          <button type="submit">Place order</button>
        </p>
      </form>
    </>
  );
}
