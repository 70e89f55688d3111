// What a browser app keeps of a login: the token pair, used through one wrapper that refreshes
// the session when the access token is refused (401) and retries the request once. One
// refresh at a time: requests refused together wait for the same refresh, because a refresh
// token is exchanged once — presented twice, the server takes it for a stolen copy and ends
// the whole session (`refresh_token_reused`).
import { client, type Answer, type Init, type MethodOf, type Operation } from "./typed-fetch";
import type { components, paths } from "./api";

type Pair = components["schemas"]["TokenPair"];

export class Session {
  private pair: Pair;
  private refreshing: Promise<boolean> | null = null;
  /** How many refreshes this session made. */
  refreshes = 0;

  constructor(private readonly api: ReturnType<typeof client>, pair: Pair) {
    this.pair = pair;
  }

  /** The tokens as they stand (the newest refresh token only). */
  get tokens(): Pair {
    return this.pair;
  }

  /** Exchanges the refresh token for a new pair; false when the session is over. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        const answer = await this.api("post", "/v1/auth/refresh", { body: { refresh_token: this.pair.refresh_token } });
        if (!answer.data) return false;
        this.pair = answer.data;
        this.refreshes += 1;
        return true;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** A request with the access token; on 401, one refresh and one retry. */
  async call<P extends keyof paths, M extends MethodOf<P>>(
    method: M,
    path: P,
    init: Init<Operation<P, M>>,
  ): Promise<Answer<Operation<P, M>>> {
    const send = (token: string) =>
      this.api(method, path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } } as Init<Operation<P, M>>);
    const sentWith = this.pair.access_token;
    const first = await send(sentWith);
    if (first.status !== 401) return first;
    // Another request may have refreshed meanwhile: then only retry.
    const fresh = this.pair.access_token !== sentWith || (await this.refresh());
    return fresh ? send(this.pair.access_token) : first;
  }

  /** Ends the session on the server. */
  async logOut(): Promise<number> {
    return (await this.call("post", "/v1/auth/logout", {})).status;
  }
}
