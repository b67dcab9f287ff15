/*
 * Promotion history and the lock that keeps one promotion in flight per entity and target stage.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments_promotions', table => {
    table.comment(
      'Every promotion and rollback of a catalog entity between stages',
    );
    table
      .string('id', 36)
      .primary()
      .notNullable()
      .comment('UUID of the promotion');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Stringified entity ref');
    table.string('kind', 16).notNullable().comment('promotion or rollback');
    table.string('from_stage', 63).notNullable();
    table.string('to_stage', 63).notNullable();
    table.string('strategy', 16).notNullable().comment('image or helm');
    table
      .string('deployment', 253)
      .notNullable()
      .comment(
        'Target Deployment name, so a restarted backend can resume without the catalog',
      );
    table.string('container', 253).notNullable();
    table.string('state', 16).notNullable();
    table.text('image_before').nullable();
    table.text('image_after').notNullable();
    // Set to `<entity_ref>|<to_stage>` while the promotion is active and NULL once it ends: the unique
    // index then admits one active promotion per entity and stage, across backend replicas and engines
    // (NULLs never collide in SQLite or PostgreSQL).
    table.string('in_flight_key', 330).nullable().unique({
      indexName: 'environments_promotions_in_flight_uniq',
    });
    table.string('idempotency_key', 128).nullable();
    table.text('gates').notNullable().comment('JSON array of GateResult');
    table.text('risk').notNullable().comment('JSON PromotionRisk');
    table
      .text('progress')
      .notNullable()
      .comment('JSON {desired, updated, ready}');
    table.text('override_reason').nullable();
    table.string('requested_by', 255).notNullable();
    table.text('rollback_reason').nullable();
    table.timestamp('rolled_back_at', { useTz: true }).nullable();
    table.text('error').nullable();
    table.text('summary').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('rollout_completed_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.bigInteger('duration_ms').nullable();
    table.index(
      ['entity_ref', 'created_at'],
      'environments_promotions_entity_idx',
    );
    table.unique(['entity_ref', 'idempotency_key'], {
      indexName: 'environments_promotions_idempotency_uniq',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('environments_promotions');
};
