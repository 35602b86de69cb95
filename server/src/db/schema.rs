//! diesel's definition of every table the migrations create, kept by hand in step with
//! `migrations/` (both backends create the same tables and columns). The `schema` test
//! (`tests/tests/schema`) migrates a fresh database on the backend under test and fails on any
//! table, column, type, nullability or primary key that differs from this file. Every foreign
//! key the migrations declare has its `joinable!` (except `units.parent_id`, which points into
//! its own table: join that through `diesel::alias!`), and any two tables may appear in one
//! query.

diesel::table! {
    units (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        kind -> Text,
        name -> Text,
        window_unit -> Bool,
        path -> Text,
        created_at -> BigInt,
        retired_at -> Nullable<BigInt>,
        population -> Nullable<BigInt>,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        unit_id -> Nullable<BigInt>,
        disabled -> Bool,
        session_version -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
        must_change_password -> Bool,
    }
}

diesel::table! {
    device_tokens (id) {
        id -> Text,
        account_id -> BigInt,
        name -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        last_failure -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> BigInt,
        actor_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        object -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::joinable!(accounts -> units (unit_id));
diesel::joinable!(device_tokens -> accounts (account_id));

diesel::table! {
    surveys (id) {
        id -> BigInt,
        unit_id -> BigInt,
        slug -> Text,
        status -> Text,
        current_version -> Nullable<Integer>,
        min_group_size -> Integer,
        comment_min_group_size -> Integer,
        opens_at -> Nullable<BigInt>,
        closes_at -> Nullable<BigInt>,
        created_by -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
        series -> Nullable<Text>,
        period -> Nullable<Text>,
        requires_codes -> Bool,
    }
}

diesel::table! {
    survey_versions (survey_id, version) {
        survey_id -> BigInt,
        version -> Integer,
        definition -> Text,
        published_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    survey_targets (survey_id, unit_id) {
        survey_id -> BigInt,
        unit_id -> BigInt,
        slug -> Text,
    }
}

diesel::table! {
    survey_responses (survey_id, id) {
        id -> Text,
        survey_id -> BigInt,
        version -> Integer,
        target_unit_id -> BigInt,
        respondent_unit_id -> Nullable<BigInt>,
        channel -> Text,
        day -> Text,
        answers -> Text,
    }
}

diesel::table! {
    survey_tallies (survey_id, version, target_unit_id, question_id, option_id) {
        survey_id -> BigInt,
        version -> Integer,
        target_unit_id -> BigInt,
        question_id -> Text,
        option_id -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    survey_sums (survey_id, version, target_unit_id, question_id) {
        survey_id -> BigInt,
        version -> Integer,
        target_unit_id -> BigInt,
        question_id -> Text,
        count -> BigInt,
        total -> Double,
    }
}

diesel::table! {
    survey_counts (survey_id, target_unit_id, respondent_unit_id, day, channel) {
        survey_id -> BigInt,
        target_unit_id -> BigInt,
        respondent_unit_id -> BigInt,
        day -> Text,
        channel -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    survey_comments (survey_id, target_unit_id, id) {
        id -> Text,
        survey_id -> BigInt,
        target_unit_id -> BigInt,
        question_id -> Text,
        body -> Text,
    }
}

diesel::joinable!(surveys -> units (unit_id));
diesel::joinable!(surveys -> accounts (created_by));
diesel::joinable!(survey_versions -> surveys (survey_id));
diesel::joinable!(survey_targets -> surveys (survey_id));
diesel::joinable!(survey_targets -> units (unit_id));

diesel::table! {
    officials (id) {
        id -> BigInt,
        unit_id -> BigInt,
        name -> Text,
        position -> Text,
        active -> Bool,
        created_at -> BigInt,
        team -> Nullable<Text>,
        sort_order -> Nullable<Integer>,
    }
}

diesel::table! {
    rounds (id) {
        id -> BigInt,
        unit_id -> BigInt,
        series_id -> Text,
        period -> Text,
        status -> Text,
        definition -> Text,
        slug -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    ballot_codes (code_hash) {
        code_hash -> Text,
        round_id -> BigInt,
        elector_group -> Text,
        used -> Bool,
        instrument -> Text,
    }
}

diesel::table! {
    survey_bursts (survey_id, target_unit_id, hour) {
        survey_id -> BigInt,
        target_unit_id -> BigInt,
        hour -> BigInt,
        identical -> BigInt,
    }
}

diesel::table! {
    ballots (round_id, elector_group, id) {
        id -> Text,
        round_id -> BigInt,
        elector_group -> Text,
        valid -> Bool,
        marks -> Text,
    }
}

diesel::table! {
    round_tallies (round_id, elector_group, subject, dimension, grade) {
        round_id -> BigInt,
        elector_group -> Text,
        subject -> Text,
        dimension -> Text,
        grade -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    round_ballot_counts (round_id, elector_group) {
        round_id -> BigInt,
        elector_group -> Text,
        valid -> BigInt,
        invalid -> BigInt,
    }
}

diesel::table! {
    round_code_counts (round_id, elector_group) {
        round_id -> BigInt,
        elector_group -> Text,
        issued -> BigInt,
    }
}

diesel::table! {
    tally_sheets (id) {
        id -> BigInt,
        round_id -> BigInt,
        station -> Text,
        elector_group -> Text,
        sheet -> Text,
        void -> Bool,
        entered_by -> BigInt,
        entered_at -> BigInt,
        replaced_by -> Nullable<BigInt>,
        replaced_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(officials -> units (unit_id));
diesel::joinable!(rounds -> units (unit_id));
diesel::joinable!(rounds -> accounts (created_by));
diesel::joinable!(tally_sheets -> rounds (round_id));
diesel::joinable!(tally_sheets -> accounts (entered_by));

diesel::table! {
    sync_batches (batch_id) {
        batch_id -> Text,
        content_hash -> Text,
        account_id -> BigInt,
        survey_responses -> Integer,
        tally_sheets -> Integer,
        received_at -> BigInt,
    }
}

diesel::joinable!(sync_batches -> accounts (account_id));

diesel::table! {
    /// The hashed submission keys of public answers, until a retry can no longer come.
    submission_keys (key_hash) {
        key_hash -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    round_stations (round_id) {
        round_id -> BigInt,
        expected -> Integer,
    }
}

diesel::joinable!(round_stations -> rounds (round_id));

diesel::table! {
    survey_results_published (survey_id) {
        survey_id -> BigInt,
        published_at -> BigInt,
        published_by -> BigInt,
    }
}

diesel::table! {
    rectification_items (id) {
        id -> BigInt,
        unit_id -> BigInt,
        survey_id -> Nullable<BigInt>,
        round_id -> Nullable<BigInt>,
        official_id -> Nullable<BigInt>,
        by_rule -> Bool,
        finding -> Text,
        due_on -> Nullable<Text>,
        status -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    rectification_events (id) {
        id -> BigInt,
        item_id -> BigInt,
        kind -> Text,
        actor_id -> BigInt,
        at -> BigInt,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    rectification_attachments (id) {
        id -> BigInt,
        item_id -> BigInt,
        event_id -> BigInt,
        file_name -> Text,
        media_type -> Text,
        size -> BigInt,
        content -> Binary,
    }
}

diesel::joinable!(survey_results_published -> surveys (survey_id));
diesel::joinable!(survey_results_published -> accounts (published_by));
diesel::joinable!(rectification_items -> units (unit_id));
diesel::joinable!(rectification_items -> surveys (survey_id));
diesel::joinable!(rectification_items -> rounds (round_id));
diesel::joinable!(rectification_items -> officials (official_id));
diesel::joinable!(rectification_items -> accounts (created_by));
diesel::joinable!(rectification_events -> rectification_items (item_id));
diesel::joinable!(rectification_events -> accounts (actor_id));
diesel::joinable!(rectification_attachments -> rectification_items (item_id));
diesel::joinable!(rectification_attachments -> rectification_events (event_id));

diesel::allow_tables_to_appear_in_same_query!(
    units,
    accounts,
    device_tokens,
    login_throttle,
    audit_log,
    server_secrets,
    surveys,
    survey_versions,
    survey_targets,
    survey_responses,
    survey_bursts,
    survey_tallies,
    survey_sums,
    survey_counts,
    survey_comments,
    officials,
    rounds,
    ballot_codes,
    ballots,
    round_tallies,
    round_ballot_counts,
    round_code_counts,
    tally_sheets,
    sync_batches,
    submission_keys,
    round_stations,
    survey_results_published,
    rectification_items,
    rectification_events,
    rectification_attachments,
);
