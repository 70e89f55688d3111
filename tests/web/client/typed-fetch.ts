// A small typed fetch over the generated `paths`: what a frontend or an integrator would
// write (or generate) on top of openapi-typescript. Bodies, parameters and answers are the
// document's types as they are, so every `oneOf`, enum and id brand reaches the caller.
import type { paths } from "./api";

type Method = "get" | "post" | "put" | "patch" | "delete";
/** The operation at `path` and `method`. */
export type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The methods a path has. */
export type MethodOf<P extends keyof paths> = {
  [M in Method]: paths[P][M] extends { responses: unknown } ? M : never;
}[Method];

type Params<O> = O extends { parameters: infer Q } ? Q : never;
type Body<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B | undefined
    : undefined;
type Responses<O> = O extends { responses: infer R } ? R : never;
type Json<R> = R extends { content: { "application/json": infer B } }
  ? B
  : R extends { content: { "application/problem+json": infer B } }
    ? B
    : undefined;
type Success = 200 | 201 | 202 | 204;
/** What the operation answers on success. */
export type Ok<O> = { [S in keyof Responses<O>]: S extends Success ? Json<Responses<O>[S]> : never }[keyof Responses<O>];
/** The problems the operation can answer with. */
export type Failure<O> = { [S in keyof Responses<O>]: S extends Success ? never : Json<Responses<O>[S]> }[keyof Responses<O>];

/** What a request to the operation takes: headers, its body and its parameters. */
export type Init<O> = { headers?: Record<string, string> } & (undefined extends Body<O> ? { body?: Body<O> } : { body: Body<O> }) &
  ({} extends Params<O> ? { params?: Params<O> } : { params: Params<O> });

export type Answer<O> =
  | { status: number; data: Ok<O>; error?: undefined }
  | { status: number; data?: undefined; error: Failure<O> };

export function client(baseUrl: string) {
  return async function request<P extends keyof paths, M extends MethodOf<P>>(
    method: M,
    path: P,
    init: Init<Operation<P, M>>,
  ): Promise<Answer<Operation<P, M>>> {
    const given = (init.params ?? {}) as { path?: Record<string, string>; query?: Record<string, unknown>; header?: Record<string, string> };
    let url = String(path).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(given.path?.[name] ?? ""));
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(given.query ?? {})) if (v !== undefined) query.set(k, String(v));
    if (query.toString()) url += `?${query.toString()}`;
    const headers: Record<string, string> = { ...given.header, ...init.headers };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(baseUrl + url, {
      method: method.toUpperCase(),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    return res.ok ? { status: res.status, data: json } : { status: res.status, error: json };
  };
}
