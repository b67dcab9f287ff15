/*
 * The in-flight lock also covers the target workload: two entities whose selectors reach the same
 * Deployment cannot change it at once.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    // `<cluster>/<namespace>/<deployment>` while the promotion is active, NULL once it ends; unique
    // like in_flight_key, so the database admits one active change per workload across replicas.
    table
      .string('in_flight_workload', 600)
      .nullable()
      .unique({ indexName: 'environments_promotions_in_flight_workload_uniq' });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table.dropUnique(
      ['in_flight_workload'],
      'environments_promotions_in_flight_workload_uniq',
    );
    table.dropColumn('in_flight_workload');
  });
};
