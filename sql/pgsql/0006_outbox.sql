-- 0006: the outbox. What is to be delivered outside a request (a push, a
-- mail) is one row, inserted in the transaction of the event that caused it,
-- so it exists exactly when the event does. A drain thread in every httpd
-- child (infra/outbox_drain.c) claims due rows with one UPDATE that sets
-- claimed_by (unique per claim) and claimed_until (when the claim lapses, so
-- a process that dies while sending loses nothing), hands each to the
-- deliverer of its kind, and deletes it once sent or refused for good; a
-- failed attempt sets next_attempt_at further away (exponential back-off,
-- bounded attempts) and last_error. Times in microseconds, as elsewhere.
-- payload is the deliverer's JSON (UTF-8); no log line ever shows it.
CREATE TABLE outbox (
    id               BIGSERIAL PRIMARY KEY,
    kind             VARCHAR(32) NOT NULL,
    payload          TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    claimed_until    BIGINT,
    claimed_by       VARCHAR(64),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    last_error       VARCHAR(255)
);
-- the claim: due rows of one kind, oldest first
CREATE INDEX outbox_due ON outbox (kind, next_attempt_at);
-- a claimer reads back the rows it claimed
CREATE INDEX outbox_claim ON outbox (claimed_by);

UPDATE schema_version SET version = 6;
