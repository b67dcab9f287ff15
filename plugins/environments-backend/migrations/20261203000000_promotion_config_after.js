/*
 * What a successful promotion or rollback left in the target's configuration (checksum annotations,
 * env names with value fingerprints, envFrom, resources), so drift can compare configuration as well
 * as the image. Nullable: older rows, and failed ones, have none.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table.text('config_after').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table.dropColumn('config_after');
  });
};
