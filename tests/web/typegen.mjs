// Generates client/api.d.ts from ../../openapi.yaml with openapi-typescript. Two things the
// generator does not do by itself, done here from what the document says:
// - ids are branded by what they name (`x-extranet-id: user` → `UserId`, a string enum of its
//   own: a string to read, but no other id, and no plain string, is one), so an invitation's
//   id cannot be passed where a user's goes;
// - an array of at least one item is a tuple of one and the rest (`[T, ...T[]]`), so an
//   empty batch does not compile;
// - an integer with a small closed range (`minimum`/`maximum`, at most 1000 values) is the
//   union of its values, so `limit: 500` does not compile when the server takes 1 to 200.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = new URL(`file://${path.resolve(here, "../../openapi.yaml")}`);
const f = ts.factory;
const nullable = (schema, node) => {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes("null") ? f.createUnionTypeNode([node, f.createLiteralTypeNode(f.createNull())]) : node;
};

const brands = new Set();
/** The type of an array's items, when it is a named schema or a plain string. */
function itemType(items) {
  const name = items?.$ref?.match(/^#\/components\/schemas\/(\w+)$/)?.[1];
  if (name) {
    const schemas = f.createIndexedAccessTypeNode(f.createTypeReferenceNode("components"), f.createLiteralTypeNode(f.createStringLiteral("schemas")));
    return f.createIndexedAccessTypeNode(schemas, f.createLiteralTypeNode(f.createStringLiteral(name)));
  }
  return items?.type === "string" && !items.enum && !items.format ? f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword) : undefined;
}
const ast = await openapiTS(source, {
  // A field with a `default` may be left out of a request (the server fills it in).
  defaultNonNullable: false,
  transform(schema) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (schema["x-extranet-id"] && types.includes("string")) {
      const name = `${schema["x-extranet-id"].split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("")}Id`;
      brands.add(name);
      return nullable(schema, f.createTypeReferenceNode(name));
    }
    if (types.includes("array") && schema.minItems >= 1) {
      const item = itemType(schema.items);
      if (item) {
        const tuple = f.createTupleTypeNode([item, f.createRestTypeNode(f.createArrayTypeNode(item))]);
        return nullable(schema, tuple);
      }
    }
    if (types.includes("integer") && Number.isInteger(schema.minimum) && Number.isInteger(schema.maximum)
        && schema.maximum - schema.minimum < 1000) {
      const values = [];
      for (let n = schema.minimum; n <= schema.maximum; n++) values.push(f.createLiteralTypeNode(f.createNumericLiteral(n)));
      return nullable(schema, f.createUnionTypeNode(values));
    }
    return undefined;
  },
});
// An enum type is not an object: helpers that map over objects' keys leave it whole.
const declarations = [...brands].sort().map((b) => `/** An id: cast a string you trust with \`as ${b}\`. */\nexport declare enum ${b} { brand = "${b}" }`);
fs.writeFileSync(path.join(here, "client", "api.d.ts"), `${astToString(ast)}\n${declarations.join("\n")}\n`);
console.log("typegen: client/api.d.ts from openapi.yaml");
