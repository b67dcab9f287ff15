/*
 * Deploys the portal did not make (CI, a template's first deploy), recorded as what their stage is
 * expected to run from then on: drift compares a stage with the later of its last recorded deploy and
 * its last successful promotion or rollback. Apart from the promotions, so their history, delivery
 * metrics and rollback targets stay what the portal did.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments_deploy_records', table => {
    table.comment(
      'What a stage ran after a deploy the portal did not make: its drift baseline from then on',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('stage', 63).notNullable();
    table
      .text('image')
      .notNullable()
      .comment('The running image, with its digest when pods report one');
    table.string('deployment', 253).notNullable();
    table.string('container', 253).notNullable();
    table
      .text('config')
      .nullable()
      .comment('JSON configuration record, as a promotion leaves one');
    table.string('recorded_by', 255).notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'stage', 'recorded_at'],
      'environments_deploy_records_stage_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('environments_deploy_records');
};
