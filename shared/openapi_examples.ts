/**
 * Examples for the main schemas of the OpenAPI documents, in one place so
 * they stay consistent with each other (the same product, user and order
 * throughout). Each schema attaches its own with `.openapi("Name", { example })`.
 */
const T = "2026-03-14T09:26:53.589Z";
const USER_ID = "5b0c2f6e-1d3a-4c1e-9a7b-2f4e6d8c0a1b";
const ORDER_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

export const EXAMPLES = {
  user: { id: USER_ID, email: "ada@example.com", name: "Ada", role: "customer", created_at: T },
  tokenPair: {
    user: { id: USER_ID, email: "ada@example.com", name: "Ada", role: "customer", created_at: T },
    access_token: "eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiIuLi4ifQ.c2ln",
    refresh_token: "rt_9hK2mX4pQ7vT1wZ8bN3cF6gJ0sL5dR",
    token_type: "Bearer",
    expires_in: 900,
  },
  problem: {
    type: "about:blank",
    title: "Bad Request",
    status: 400,
    detail: "Cannot accept the request body",
    code: "validation_failed",
    errors: [{ path: "email", message: "Invalid email address" }],
  },
  productInput: {
    id: "SKU-1001",
    name: "Trailblazer Wireless Headphones",
    description: "Over-ear headphones with noise cancelling and a 30 hour battery.",
    brand: "Trailblazer",
    categories: ["Audio", "Headphones"],
    price_cents: 12999,
    currency: "USD",
    image_url: "https://shop.example.com/img/sku-1001.jpg",
  },
  product: {
    id: "SKU-1001",
    name: "Trailblazer Wireless Headphones",
    description: "Over-ear headphones with noise cancelling and a 30 hour battery.",
    brand: "Trailblazer",
    categories: ["Audio", "Headphones"],
    price_cents: 12999,
    currency: "USD",
    image_url: "https://shop.example.com/img/sku-1001.jpg",
    rating: 4.5,
    popularity: 1200,
    in_stock: true,
    created_at: T,
    updated_at: T,
  },
  cart: {
    items: [{
      product_id: "SKU-1001",
      name: "Trailblazer Wireless Headphones",
      unit_price_cents: 12999,
      quantity: 2,
      line_total_cents: 25998,
      available: 5,
    }],
    subtotal_cents: 25998,
    currency: "USD",
  },
  placeOrder: {
    payment_method: "pm_card_visa",
    shipping_address: {
      name: "Ada Lovelace",
      line1: "12 St James's Square",
      city: "London",
      postal_code: "SW1Y 4JH",
      country: "GB",
    },
  },
  order: {
    id: ORDER_ID,
    status: "paid",
    items: [{
      product_id: "SKU-1001",
      name: "Trailblazer Wireless Headphones",
      unit_price_cents: 12999,
      quantity: 2,
      line_total_cents: 25998,
    }],
    subtotal_cents: 25998,
    total_cents: 25998,
    currency: "USD",
    shipping_address: {
      name: "Ada Lovelace",
      line1: "12 St James's Square",
      city: "London",
      postal_code: "SW1Y 4JH",
      country: "GB",
    },
    payment: { method: "pm_card_visa", status: "succeeded" },
    created_at: T,
    updated_at: T,
  },
  inventory: { product_id: "SKU-1001", on_hand: 8, reserved: 2, available: 6 },
};
