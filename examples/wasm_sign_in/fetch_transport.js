// The transport of examples/wasm_sign_in in JavaScript (emcc --js-library): logto_fetch hands a request
// of logto::async_client to the host's fetch and reports the outcome back to the module through
// logto_wasm_response / logto_wasm_network_error. Redirects are not followed (the library wants to see
// a 3xx; a browser reports it as status 0, which the library refuses as a transport failure).
mergeInto(LibraryManager.library, {
  logto_fetch__deps: ['malloc', 'free'],
  logto_fetch: function (id, method, url, headers, body, bodySize) {
    const init = { method: UTF8ToString(method), headers: {}, redirect: 'manual' };
    for (const line of UTF8ToString(headers).split('\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) init.headers[line.slice(0, colon)] = line.slice(colon + 2);
    }
    if (bodySize > 0) init.body = HEAPU8.slice(body, body + bodySize);
    fetch(UTF8ToString(url), init).then(async (response) => {
      const bytes = new Uint8Array(await response.arrayBuffer());
      let lines = '';
      response.headers.forEach((value, name) => { lines += name + ': ' + value + '\n'; });
      const buffer = _malloc(bytes.length + 1);
      HEAPU8.set(bytes, buffer);  // HEAPU8 read after the await: memory may have grown meanwhile
      ccall('logto_wasm_response', null, ['number', 'number', 'string', 'number', 'number'],
            [id, response.status, lines, buffer, bytes.length]);
      _free(buffer);
    }, (error) => {
      ccall('logto_wasm_network_error', null, ['number', 'string'], [id, 'fetch failed: ' + String(error)]);
    });
  },
});
