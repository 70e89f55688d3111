// One portable schema for both backends: the types are those SQLite and PostgreSQL share
// (ids as text, UTC timestamps without zone). Kept in step with `migrations/{sqlite,postgres}`;
// the test `schema_matches_migrations` checks every column against both.

diesel::table! {
    accounts (id) {
        id -> Text,
        name -> Text,
        plan -> Text,
        who_can_invite -> Text,
        external_domains_mode -> Text,
        external_domains -> Text,
        invitation_ttl_hours -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        active_webhooks -> Integer,
        locale -> Text,
        default_external_access_days -> Nullable<Integer>,
        require_two_factor -> Text,
    }
}

diesel::table! {
    account_seats (account_id) {
        account_id -> Text,
        active_intranet -> Integer,
        active_extranet -> Integer,
        pending_invitations -> Integer,
        version -> Integer,
        pending_join_requests -> Integer,
    }
}

diesel::table! {
    identities (id) {
        id -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        password_hash -> Text,
        first_name -> Text,
        last_name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        locale -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_changes (id) {
        id -> Text,
        identity_id -> Text,
        new_email -> Nullable<Text>,
        new_phone -> Nullable<Text>,
        code_hash -> Text,
        expires_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        account_id -> Text,
        identity_id -> Text,
        user_type -> Text,
        status -> Text,
        is_admin -> Bool,
        dismissed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        access_expires_at -> Nullable<Timestamp>,
        dismissal -> Nullable<Text>,
        reminded_7d_for -> Nullable<Timestamp>,
        reminded_1d_for -> Nullable<Timestamp>,
        inviter_reminded_7d_for -> Nullable<Timestamp>,
        inviter_reminded_1d_for -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    workgroups (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        kind -> Text,
        description -> Nullable<Text>,
        allow_external -> Bool,
        invite_policy -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        max_external_access_days -> Nullable<Integer>,
    }
}

diesel::table! {
    memberships (workgroup_id, user_id) {
        workgroup_id -> Text,
        user_id -> Text,
        account_id -> Text,
        role -> Text,
        status -> Text,
        invited_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        account_id -> Text,
        invitation_type -> Text,
        status -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        login -> Text,
        first_name -> Text,
        last_name -> Text,
        workgroup_id -> Nullable<Text>,
        message -> Nullable<Text>,
        invited_by -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        sent_count -> Integer,
        last_sent_at -> Timestamp,
        accepted_user_id -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sent_by -> Nullable<Text>,
        message_id -> Nullable<Text>,
        delivery_state -> Nullable<Text>,
        delivery_attempts -> Integer,
        delivery_error -> Nullable<Text>,
        delivery_next_at -> Nullable<Timestamp>,
        locale -> Nullable<Text>,
        approval -> Nullable<Text>,
        access_expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sign_ups (id) {
        id -> Text,
        login -> Text,
        code_hash -> Text,
        account_name -> Text,
        plan -> Text,
        first_name -> Text,
        last_name -> Text,
        password_hash -> Nullable<Text>,
        identity_id -> Nullable<Text>,
        expires_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        locale -> Text,
    }
}

diesel::table! {
    code_attempts (key) {
        key -> Text,
        failures -> Integer,
        last_failed_at -> Timestamp,
    }
}

diesel::table! {
    rate_buckets (key) {
        key -> Text,
        tat -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
        forgettable_at -> Timestamp,
    }
}

diesel::table! {
    sending_counters (counter, window_start) {
        counter -> Text,
        window_start -> Timestamp,
        used -> Integer,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        account_id -> Nullable<Text>,
        channel -> Text,
        recipient -> Text,
        payload -> Text,
        webhook_id -> Nullable<Text>,
        event -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        response_status -> Nullable<Integer>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        event_id -> Nullable<Text>,
        last_attempt_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        account_id -> Nullable<Text>,
        actor_user_id -> Nullable<Text>,
        actor_identity_id -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        details -> Text,
        created_at -> Timestamp,
        actor_token_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (caller, idempotency_key) {
        caller -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        outcome -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        account_id -> Text,
        user_id -> Text,
        name -> Text,
        scopes -> Text,
        secret_hash -> Text,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        account_id -> Text,
        url -> Text,
        events -> Text,
        secret -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        failing_since -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        created_by_token_id -> Nullable<Text>,
        disabled_cause -> Nullable<Text>,
    }
}

diesel::joinable!(account_seats -> accounts (account_id));
diesel::joinable!(users -> accounts (account_id));
diesel::joinable!(users -> identities (identity_id));
diesel::joinable!(workgroups -> accounts (account_id));
diesel::joinable!(memberships -> workgroups (workgroup_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(invitations -> workgroups (workgroup_id));
diesel::joinable!(login_changes -> identities (identity_id));
diesel::table! {
    sessions (id) {
        id -> Text,
        identity_id -> Text,
        account_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (hash) {
        hash -> Text,
        session_id -> Text,
        issued_at -> Timestamp,
        exchanged_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        identity_id -> Text,
        login -> Text,
        code_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    join_links (id) {
        id -> Text,
        account_id -> Text,
        workgroup_id -> Text,
        code_hash -> Text,
        approval -> Text,
        max_uses -> Nullable<Integer>,
        uses -> Integer,
        expires_at -> Nullable<Timestamp>,
        allowed_domains -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    join_requests (id) {
        id -> Text,
        account_id -> Text,
        join_link_id -> Text,
        workgroup_id -> Text,
        login -> Text,
        first_name -> Text,
        last_name -> Text,
        code_hash -> Text,
        code_expires_at -> Timestamp,
        status -> Text,
        holds_seat -> Bool,
        password_hash -> Nullable<Text>,
        identity_id -> Nullable<Text>,
        locale -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        user_id -> Nullable<Text>,
    }
}

diesel::table! {
    access_reviews (id) {
        id -> Text,
        account_id -> Text,
        workgroup_id -> Nullable<Text>,
        due_at -> Timestamp,
        on_no_answer -> Text,
        every_days -> Nullable<Integer>,
        status -> Text,
        created_by -> Nullable<Text>,
        previous_id -> Nullable<Text>,
        created_at -> Timestamp,
        applied_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    access_review_items (review_id, user_id) {
        review_id -> Text,
        user_id -> Text,
        decision -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    two_factors (identity_id) {
        identity_id -> Text,
        sealed_secret -> Text,
        enabled_at -> Nullable<Timestamp>,
        last_step -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (identity_id, code_hash) {
        identity_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    erasure_codes (identity_id) {
        identity_id -> Text,
        code_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(access_review_items -> users (user_id));
diesel::joinable!(access_review_items -> access_reviews (review_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    account_seats,
    identities,
    login_changes,
    users,
    workgroups,
    memberships,
    invitations,
    outbox,
    audit_events,
    idempotency_keys,
    api_tokens,
    webhooks,
    sign_ups,
    sending_counters,
    code_attempts,
    sessions,
    access_reviews,
    access_review_items,
    two_factors,
    recovery_codes,
    erasure_codes,
);
