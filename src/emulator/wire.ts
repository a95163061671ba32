/**
 * Response bodies and SSE event sequences in the OpenAI (chat, responses, embeddings)
 * and Anthropic Messages wire formats, shaped like the real APIs' so the real SDKs parse
 * them. Usage is deterministic: prompt tokens = words in the request, output tokens =
 * words in the reply, so tests can assert exact counts.
 */

export type Json = Record<string, unknown>;

/** One SSE event: `event:` name (Anthropic, responses) or null (OpenAI chat). */
export interface SseEvent {
  event: string | null;
  data: string;
}

/** Words in every string found under `messages` / `input` / `system` (a stand-in tokenizer). */
export function promptTokens(body: Json): number {
  let n = 0;
  const visit = (x: unknown): void => {
    if (typeof x === 'string') n += x.split(/\s+/).filter(Boolean).length;
    else if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object') {
      const o = x as Json;
      for (const k of ['content', 'text', 'input', 'messages', 'system']) if (k in o) visit(o[k]);
    }
  };
  visit(body.messages);
  visit(body.input);
  visit(body.system);
  return n;
}

export function replyWords(reply: string): string[] {
  return reply.split(/\s+/).filter(Boolean);
}

/** Deep merge of plain objects (for usage overrides such as `{ prompt_tokens_details: { cached_tokens: 4 } }`). */
export function merge(base: Json, over: Json | undefined): Json {
  if (!over) return base;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? merge(b as Json, v as Json) : v;
  }
  return out;
}

const sse = (data: unknown, event: string | null = null): SseEvent => ({ event, data: JSON.stringify(data) });

// ---- OpenAI chat completions ----

export function chatUsage(prompt: number, completion: number, over?: Json): Json {
  return merge(
    {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    over,
  );
}

/** A function call the assistant asks for (chat `tool_calls`). */
export interface ToolCall {
  name: string;
  arguments: string;
}

export function chatCompletion(id: string, model: string, reply: string, usage: Json, toolCall?: ToolCall): Json {
  const message = toolCall
    ? { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [{ id: `call_${id}`, type: 'function', function: toolCall }] }
    : { role: 'assistant', content: reply, refusal: null, annotations: [] };
  return {
    id, object: 'chat.completion', created: 1_700_000_000, model, service_tier: 'default', system_fingerprint: 'fp_emulator',
    choices: [{ index: 0, message, logprobs: null, finish_reason: toolCall ? 'tool_calls' : 'stop' }],
    usage,
  };
}

export function chatChunks(id: string, model: string, reply: string, usage: Json | null): SseEvent[] {
  const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model, service_tier: 'default', system_fingerprint: 'fp_emulator' };
  // With include_usage the API puts `usage: null` on every chunk before the usage-only one.
  const u = usage ? { usage: null } : {};
  const out: SseEvent[] = [sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], ...u })];
  for (const w of replyWords(reply)) {
    out.push(sse({ ...base, choices: [{ index: 0, delta: { content: `${w} ` }, logprobs: null, finish_reason: null }], ...u }));
  }
  out.push(sse({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], ...u }));
  if (usage) out.push(sse({ ...base, choices: [], usage }));
  out.push({ event: null, data: '[DONE]' });
  return out;
}

// ---- OpenAI responses ----

export function responsesUsage(input: number, output: number, over?: Json): Json {
  return merge(
    { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output },
    over,
  );
}

export function response(id: string, model: string, reply: string | null, usage: Json | null, status = 'completed'): Json {
  const output = reply === null ? [] : [{ type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: reply, annotations: [], logprobs: [] }] }];
  return { id, object: 'response', created_at: 1_700_000_000, status, model, output, usage, service_tier: 'default', error: null, incomplete_details: null };
}

/** The full event sequence the Responses API streams for one text message. */
export function responseEvents(id: string, model: string, reply: string, usage: Json): SseEvent[] {
  let seq = 0;
  const ev = (type: string, rest: Json): SseEvent => sse({ type, sequence_number: seq++, ...rest }, type);
  const itemId = `msg_${id}`;
  const words = replyWords(reply);
  const text = words.join(' ');
  const at = { item_id: itemId, output_index: 0, content_index: 0 };
  const part = (t: string): Json => ({ type: 'output_text', text: t, annotations: [], logprobs: [] });
  const item = (status: string, content: Json[]): Json => ({ type: 'message', id: itemId, status, role: 'assistant', content });
  const inProgress = response(id, model, null, null, 'in_progress');
  const out = [
    ev('response.created', { response: inProgress }),
    ev('response.in_progress', { response: inProgress }),
    ev('response.output_item.added', { output_index: 0, item: item('in_progress', []) }),
    ev('response.content_part.added', { ...at, part: part('') }),
  ];
  words.forEach((w, i) => out.push(ev('response.output_text.delta', { ...at, delta: i === 0 ? w : ` ${w}`, logprobs: [] })));
  out.push(
    ev('response.output_text.done', { ...at, text, logprobs: [] }),
    ev('response.content_part.done', { ...at, part: part(text) }),
    ev('response.output_item.done', { output_index: 0, item: item('completed', [part(text)]) }),
    ev('response.completed', { response: response(id, model, text, usage) }),
  );
  return out;
}

// ---- OpenAI embeddings ----

export function embeddings(model: string, inputs: string[], base64: boolean, usage: Json): Json {
  const data = inputs.map((_, index) => {
    const vec = new Float32Array([0.1, 0.2, 0.3, index]);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(vec.buffer).toString('base64') : Array.from(vec) };
  });
  return { object: 'list', data, model, usage };
}

// ---- Anthropic messages ----

export function anthropicUsage(input: number, output: number, over?: Json): Json {
  return merge(
    { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output, service_tier: 'standard' },
    over,
  );
}

export function message(id: string, model: string, reply: string, usage: Json, toolCall?: ToolCall): Json {
  const content = toolCall
    ? [{ type: 'tool_use', id: `toolu_${id}`, name: toolCall.name, input: JSON.parse(toolCall.arguments) as unknown }]
    : [{ type: 'text', text: reply, citations: null }];
  return { id, type: 'message', role: 'assistant', model, content, stop_reason: toolCall ? 'tool_use' : 'end_turn', stop_sequence: null, usage };
}

export function messageEvents(id: string, model: string, reply: string, usage: Json): SseEvent[] {
  const words = replyWords(reply);
  const startUsage = { ...usage, output_tokens: 1 };
  const ev = (type: string, rest: Json): SseEvent => sse({ type, ...rest }, type);
  const out = [
    ev('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '', citations: null } }),
    { event: 'ping', data: '{"type":"ping"}' },
  ];
  for (const w of words) out.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `${w} ` } }));
  out.push(ev('content_block_stop', { index: 0 }));
  out.push(ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }));
  out.push(ev('message_stop', {}));
  return out;
}
