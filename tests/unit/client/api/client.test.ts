import { ApiError, getJson, sendJson } from '../../../../client/api/client';

const fetchMock = jest.spyOn(globalThis, 'fetch');
afterEach(() => fetchMock.mockReset());
afterAll(() => fetchMock.mockRestore());

const answer = (status: number, body: string, type: string, headers: Record<string, string> = {}) =>
  fetchMock.mockResolvedValueOnce(new Response(body, { status, headers: { 'Content-Type': type, ...headers } }));

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('getJson', () => {
  it('when the API answers 200 with JSON, then it returns the parsed body', async () => {
    answer(200, '{"tileUrl":"https://t/{z}/{x}/{y}.png"}', 'application/json');

    await expect(getJson<{ tileUrl: string }>('/api/config')).resolves.toEqual({
      tileUrl: 'https://t/{z}/{x}/{y}.png',
    });
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/config',
      expect.objectContaining({ method: 'GET', credentials: 'same-origin' }),
    );
  });

  it('when the API answers problem+json, then it throws an ApiError with status, code, detail, field errors and request id', async () => {
    answer(
      400,
      JSON.stringify({
        status: 400,
        code: 'validation_failed',
        detail: 'lat: must be a number',
        errors: [{ field: 'lat', message: 'must be a number' }, { nonsense: true }],
        requestId: 'req-1',
      }),
      'application/problem+json',
    );

    const error = await caught(getJson('/api/services?lat=x'));

    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      detail: 'lat: must be a number',
      message: 'lat: must be a number',
      errors: [{ field: 'lat', message: 'must be a number' }],
      requestId: 'req-1',
    });
  });

  it('when the error body is not JSON, then it throws an http_error naming the status', async () => {
    answer(502, '<html>Bad gateway</html>', 'text/html', { 'X-Request-Id': 'req-2' });

    const error = await caught(getJson('/api/config'));

    expect(error).toMatchObject({ status: 502, code: 'http_error', errors: [], requestId: 'req-2' });
    expect(error.detail).toContain('502');
  });

  it('when a 200 body is not valid JSON, then it throws invalid_response', async () => {
    answer(200, 'not json', 'application/json');

    const error = await caught(getJson('/api/config'));

    expect(error).toMatchObject({ status: 200, code: 'invalid_response' });
  });
});

describe('sendJson', () => {
  it('when the API answers JSON with an ETag, then it returns the body and the ETag, having sent the headers', async () => {
    answer(200, '{"id":"s1"}', 'application/json', { ETag: '"7"' });

    await expect(
      sendJson<{ id: string }>('PUT', '/api/services/s1', { name: 'x' }, { csrfToken: 'tok', ifMatch: '"6"' }),
    ).resolves.toEqual({ body: { id: 's1' }, etag: '"7"' });
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/services/s1',
      expect.objectContaining({
        method: 'PUT',
        body: '{"name":"x"}',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'X-CSRF-Token': 'tok',
          'If-Match': '"6"',
        },
      }),
    );
  });

  it('when the API answers 204, then the body is undefined', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));

    await expect(sendJson('DELETE', '/api/services/s1')).resolves.toEqual({ body: undefined, etag: null });
  });

  it('when the API answers problem+json, then it throws the ApiError with the current state and ETag', async () => {
    answer(
      412,
      JSON.stringify({ code: 'precondition_failed', detail: 'Changed', current: { id: 's1' } }),
      'application/problem+json',
      { ETag: '"8"' },
    );

    const error = await caught(sendJson('PUT', '/api/services/s1', {}));

    expect(error).toMatchObject({ status: 412, code: 'precondition_failed', current: { id: 's1' }, etag: '"8"' });
  });

  it('when a JSON body is not valid JSON, then it throws invalid_response with the request id', async () => {
    answer(200, 'not json', 'application/json', { 'X-Request-Id': 'req-9' });

    const error = await caught(sendJson('GET', '/api/services/s1'));

    expect(error).toMatchObject({ status: 200, code: 'invalid_response', requestId: 'req-9' });
  });
});

describe.each([
  ['getJson', (signal?: AbortSignal) => getJson('/api/config', { signal })],
  ['sendJson', (signal?: AbortSignal) => sendJson('POST', '/api/unmet-needs', {}, { signal })],
])('%s', (_name, call) => {
  it('when the network fails, then it throws a network_error with status 0', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));

    const error = await caught(call());

    expect(error).toMatchObject({ status: 0, code: 'network_error' });
  });

  it('when the request is aborted, then the abort error is rethrown untouched', async () => {
    const controller = new AbortController();
    controller.abort();
    const abortError = new DOMException('The operation was aborted.', 'AbortError');
    fetchMock.mockRejectedValueOnce(abortError);

    await expect(call(controller.signal)).rejects.toBe(abortError);
  });
});
