// The field app's durable store on the phone (IndexedDB): the session, the cached manifest,
// answers being collected, the queue, the batch on its way and what the last push did.
// Nothing here is ever cleared by signing out; only an acknowledged batch removes items.

const NAME = 'canvass-field';
const VERSION = 1;

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function open() {
  const r = indexedDB.open(NAME, VERSION);
  r.onupgradeneeded = () => {
    const db = r.result;
    // key-value: session, manifest, last_push, draft, lang
    db.createObjectStore('kv');
    // queued items: { id, created_at, kind, item, summary, state: queued|batched|refused, batch_id?, problems? }
    const items = db.createObjectStore('items', { keyPath: 'id' });
    items.createIndex('created_at', 'created_at');
    // batches formed and not yet acknowledged: { batch_id, body, item_ids, created_at }
    db.createObjectStore('batches', { keyPath: 'batch_id' });
  };
  return request(r).then((db) => new Store(db));
}

export class Store {
  constructor(db) {
    this.db = db;
  }

  /** Runs `work(stores)` in one read-write (or read-only) transaction; resolves once committed. */
  tx(names, mode, work) {
    return new Promise((resolve, reject) => {
      const t = this.db.transaction(names, mode, { durability: 'strict' });
      const stores = Object.fromEntries(names.map((n) => [n, t.objectStore(n)]));
      let result;
      Promise.resolve(work(stores)).then((r) => { result = r; }, (e) => { reject(e); t.abort(); });
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error || new Error('aborted'));
    });
  }

  get(key) {
    return this.tx(['kv'], 'readonly', (s) => request(s.kv.get(key)));
  }

  set(key, value) {
    return this.tx(['kv'], 'readwrite', (s) => { s.kv.put(value, key); });
  }

  remove(key) {
    return this.tx(['kv'], 'readwrite', (s) => { s.kv.delete(key); });
  }

  items() {
    return this.tx(['items'], 'readonly', (s) => request(s.items.index('created_at').getAll()));
  }

  batches() {
    return this.tx(['batches'], 'readonly', (s) => request(s.batches.getAll()));
  }

  /** Queues a finished item and forgets the draft it came from, in one transaction. */
  enqueue(entry) {
    return this.tx(['items', 'kv'], 'readwrite', (s) => {
      s.items.put(entry);
      s.kv.delete('draft');
    });
  }

  putItem(entry) {
    return this.tx(['items'], 'readwrite', (s) => { s.items.put(entry); });
  }

  deleteItem(id) {
    return this.tx(['items'], 'readwrite', (s) => { s.items.delete(id); });
  }

  /** Saves a batch with its exact bytes and marks its items as in it, before the first send. */
  saveBatch(batch) {
    return this.tx(['items', 'batches'], 'readwrite', async (s) => {
      for (const id of batch.item_ids) {
        const entry = await request(s.items.get(id));
        entry.state = 'batched';
        entry.batch_id = batch.batch_id;
        s.items.put(entry);
      }
      s.batches.put(batch);
    });
  }

  /** The server stored the batch: its items leave the phone. */
  acknowledge(batch, outcome) {
    return this.tx(['items', 'batches', 'kv'], 'readwrite', (s) => {
      for (const id of batch.item_ids) s.items.delete(id);
      s.batches.delete(batch.batch_id);
      s.kv.put(outcome, 'last_push');
    });
  }

  /** The server refused the batch whole: `refused` (item id to problems) are set aside, the
   *  rest go back to the queue for a new batch under a new id. */
  refuse(batch, refused) {
    return this.tx(['items', 'batches'], 'readwrite', async (s) => {
      for (const id of batch.item_ids) {
        const entry = await request(s.items.get(id));
        if (!entry) continue;
        delete entry.batch_id;
        if (refused.has(id)) {
          entry.state = 'refused';
          entry.problems = refused.get(id);
        } else {
          entry.state = 'queued';
        }
        s.items.put(entry);
      }
      s.batches.delete(batch.batch_id);
    });
  }
}
