/*
 * Indexes for the delivery metrics (DORA) and drift: promotions into a stage by when they finished,
 * an entity's changes into a stage by when they finished (its next success, its last change), and the
 * first promotion of each image out of a stage.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table.index(
      ['to_stage', 'finished_at'],
      'environments_promotions_delivered_idx',
    );
    table.index(
      ['entity_ref', 'to_stage', 'finished_at'],
      'environments_promotions_entity_stage_idx',
    );
    table.index(
      ['from_stage', 'image_after', 'created_at'],
      'environments_promotions_first_seen_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table.dropIndex(
      ['to_stage', 'finished_at'],
      'environments_promotions_delivered_idx',
    );
    table.dropIndex(
      ['entity_ref', 'to_stage', 'finished_at'],
      'environments_promotions_entity_stage_idx',
    );
    table.dropIndex(
      ['from_stage', 'image_after', 'created_at'],
      'environments_promotions_first_seen_idx',
    );
  });
};
