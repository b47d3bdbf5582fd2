// In-memory storage adapter for oidc-provider, shared by every Provider
// instance created in this process.
//
// Why not oidc-provider's built-in MemoryAdapter?
//  * It keeps at most 1000 entries (an LRU), so a long interop run could
//    silently evict sessions, grants or refresh tokens.
//  * Its store is created per Provider instance. Key rotation swaps in a new
//    Provider (see server.mjs), and grants, sessions and refresh tokens must
//    survive that swap. A module-level store does that.
//
// Semantics follow the built-in adapter: payloads are stored per model and
// id, sessions are indexed by uid, device codes by user code, and every
// grant-bound artifact is indexed by grantId so that revokeByGrantId works.

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** key -> { payload, expiresAt (ms epoch or Infinity) } */
const store = new Map();
/** grantId -> Set<key> */
const grantIndex = new Map();
/** session uid -> session id */
const sessionUidIndex = new Map();
/** normalized user code -> device code id */
const userCodeIndex = new Map();

const epoch = () => Math.floor(Date.now() / 1000);

function live(key) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= Date.now()) {
    removeKey(key);
    return undefined;
  }
  return entry;
}

function removeKey(key) {
  const entry = store.get(key);
  store.delete(key);
  if (!entry) return;
  const { payload } = entry;
  if (payload?.uid && sessionUidIndex.get(payload.uid) === key) {
    sessionUidIndex.delete(payload.uid);
  }
  if (payload?.userCode && userCodeIndex.get(payload.userCode) === key) {
    userCodeIndex.delete(payload.userCode);
  }
  if (payload?.grantId) {
    const members = grantIndex.get(payload.grantId);
    if (members) {
      members.delete(key);
      if (members.size === 0) grantIndex.delete(payload.grantId);
    }
  }
}

/** Seconds a consumed (rotated) refresh token stays usable, as Logto's refreshTokenReuseInterval. */
let refreshTokenReuseWindow = 0;
export function setRefreshTokenReuseWindow(seconds) {
  refreshTokenReuseWindow = seconds;
}

export class SharedMemoryAdapter {
  constructor(model, clockTolerance = 0) {
    this.model = model;
    this.clockTolerance = clockTolerance;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    if (store.has(key)) removeKey(key);

    const expiresAt = typeof expiresIn === 'number'
      ? Date.now() + (expiresIn + this.clockTolerance) * 1000
      : Infinity;
    const copy = structuredClone(payload);
    store.set(key, { payload: copy, expiresAt });

    if (this.model === 'Session' && copy.uid) {
      sessionUidIndex.set(copy.uid, key);
    }
    if (copy.userCode) {
      userCodeIndex.set(copy.userCode, key);
    }
    if (GRANTABLE.has(this.model) && copy.grantId) {
      let members = grantIndex.get(copy.grantId);
      if (!members) {
        members = new Set();
        grantIndex.set(copy.grantId, members);
      }
      members.add(key);
    }
  }

  async find(id) {
    const entry = live(this.key(id));
    if (!entry) return undefined;
    const payload = structuredClone(entry.payload);
    // Logto: within the reuse window a rotated refresh token is accepted again (and rotated again);
    // after it, oidc-provider's reuse detection revokes the whole grant.
    if (this.model === 'RefreshToken' && payload.consumed && entry.consumedMs !== undefined
        && Date.now() - entry.consumedMs < refreshTokenReuseWindow * 1000) {
      delete payload.consumed;
    }
    return payload;
  }

  async findByUid(uid) {
    const key = sessionUidIndex.get(uid);
    if (!key) return undefined;
    const entry = live(key);
    return entry ? structuredClone(entry.payload) : undefined;
  }

  async findByUserCode(userCode) {
    const key = userCodeIndex.get(userCode);
    if (!key) return undefined;
    const entry = live(key);
    return entry ? structuredClone(entry.payload) : undefined;
  }

  async consume(id) {
    const entry = live(this.key(id));
    if (!entry) return;
    if (!entry.payload.consumed) entry.consumedMs = Date.now();
    entry.payload.consumed = epoch();
  }

  async destroy(id) {
    removeKey(this.key(id));
  }

  async revokeByGrantId(grantId) {
    const members = grantIndex.get(grantId);
    if (!members) return;
    for (const key of [...members]) removeKey(key);
    grantIndex.delete(grantId);
  }
}

/** oidc-provider `adapter` option: a factory called once per model name. */
export function adapterFactory(clockTolerance) {
  return (model) => new SharedMemoryAdapter(model, clockTolerance);
}

// Drop expired entries now and then so a long-running peer does not grow
// without bound. unref() keeps this timer from holding the process open.
setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of store) {
    if (entry.expiresAt <= now) removeKey(key);
  }
}, 60_000).unref();

/** Diagnostics for the selftest / debugging. */
export function storeSize() {
  return store.size;
}
