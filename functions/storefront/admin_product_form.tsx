/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** The admin's product form (create and edit): fields in the shopper's units, dollars and a comma list. */
import type { components } from "./api/search.ts";
import { Alert } from "./layout.tsx";

type Product = components["schemas"]["Product"];

/** The form as typed: every field a string. */
export interface ProductForm {
  id: string;
  name: string;
  brand: string;
  price: string;
  description: string;
  categories: string;
}

export const EMPTY_PRODUCT: ProductForm = {
  id: "",
  name: "",
  brand: "",
  price: "",
  description: "",
  categories: "",
};

/** A product as the form shows it. */
export const toForm = (p: Product): ProductForm => ({
  id: p.id,
  name: p.name,
  brand: p.brand,
  price: (p.price_cents / 100).toFixed(2),
  description: p.description,
  categories: p.categories.join(", "),
});

/** The API body from the form, or the fields it could not read. */
export function fromForm(
  f: ProductForm,
): {
  body: Omit<Product, "in_stock" | "created_at" | "updated_at">;
  errors: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  const price = f.price.trim().replace(/^\$/, "");
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(price)) errors.price = "Enter a price in dollars, like 19.99.";
  return {
    body: {
      id: f.id.trim(),
      name: f.name.trim(),
      brand: f.brand.trim(),
      description: f.description.trim(),
      categories: f.categories.split(",").map((s) => s.trim()).filter(Boolean),
      price_cents: Math.round(Number(price) * 100),
      currency: "USD",
    },
    errors,
  };
}

/** API error paths → form fields. */
export const PRODUCT_FIELDS: Record<string, string> = { price_cents: "price" };
for (let i = 0; i < 50; i++) PRODUCT_FIELDS[`categories.${i}`] = "categories";

export function ProductFormView(
  props: {
    form: ProductForm;
    action: string;
    editing: boolean;
    errors: Record<string, string>;
    top?: string;
  },
) {
  const { form, errors } = props;
  const field = (name: keyof ProductForm, label: string, hint?: string) => {
    const describedBy = [hint ? `${name}-hint` : "", errors[name] ? `${name}-error` : ""].join(" ")
      .trim();
    const attrs = {
      id: name,
      name,
      "aria-invalid": errors[name] ? "true" : undefined,
      "aria-describedby": describedBy || undefined,
    };
    return (
      <>
        <label for={name}>{label}</label>
        {hint ? <p class="muted" id={`${name}-hint`}>{hint}</p> : null}
        {name === "description" ? <textarea {...attrs}>{form.description}</textarea> : (
          <input
            {...attrs}
            value={form[name]}
            readonly={name === "id" && props.editing}
            required={name !== "categories"}
          />
        )}
        {errors[name]
          ? <p class="field-error" role="alert" id={`${name}-error`}>{errors[name]}</p>
          : null}
      </>
    );
  };
  return (
    <form method="post" action={props.action}>
      {props.top ? <Alert>{props.top}</Alert> : null}
      {field("id", "ID", "Letters, digits, dot, dash and underscore (a SKU).")}
      {field("name", "Name")}
      {field("brand", "Brand")}
      {field("price", "Price", "In dollars, like 19.99.")}
      {field("description", "Description")}
      {field("categories", "Categories", "Separated by commas.")}
      <p>
        <button type="submit">Save</button>
      </p>
    </form>
  );
}
