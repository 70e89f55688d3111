-- Access reviews (issue #30): an administrator asks whether each external user of a workgroup
-- (`workgroup_id`) or of the account (NULL) keeps their access, by `due_at`. Reviewers answer
-- until then; at it the answers apply (the unanswered taking `on_no_answer`) and the review is
-- `applied`, or it was `cancelled` before. `every_days`: the next review of the same scope
-- starts when one is applied (`previous_id` names the one it follows; `created_by` is NULL
-- for those the system started).
CREATE TABLE access_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    workgroup_id TEXT REFERENCES workgroups (id),
    due_at TIMESTAMP NOT NULL,
    on_no_answer TEXT NOT NULL CHECK (on_no_answer IN ('keep', 'remove')),
    every_days INTEGER CHECK (every_days BETWEEN 1 AND 365),
    status TEXT NOT NULL CHECK (status IN ('open', 'applied', 'cancelled')),
    created_by TEXT REFERENCES users (id),
    previous_id TEXT REFERENCES access_reviews (id),
    created_at TIMESTAMP NOT NULL,
    applied_at TIMESTAMP,
    cancelled_at TIMESTAMP
);
CREATE INDEX access_reviews_account ON access_reviews (account_id, id);
-- The open reviews by due instant: whether one is due is the first entry, per account.
CREATE INDEX access_reviews_due ON access_reviews (account_id, due_at)
    WHERE status = 'open';

-- One person of a review: the reviewer's answer (NULL: none yet), and what applying the review
-- did (`kept`, `removed`, `dismissed`, or `unchanged` for someone no longer in its scope).
CREATE TABLE access_review_items (
    review_id TEXT NOT NULL REFERENCES access_reviews (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    decision TEXT CHECK (decision IN ('keep', 'remove')),
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    outcome TEXT CHECK (outcome IN ('kept', 'removed', 'dismissed', 'unchanged')),
    PRIMARY KEY (review_id, user_id)
);
