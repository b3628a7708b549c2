-- An Idempotency-Key is bound to the request it came with (target and body, as a digest): the same key sent
-- with another request is refused (422) instead of answering with the first request's result.
alter table idempotency add column request text;
