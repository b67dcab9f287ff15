/*
 * Ownership of a running promotion with a lease: the replica that runs it renews the lease while it
 * works; another replica takes over a promotion whose lease has expired.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table
      .string('owner_id', 128)
      .nullable()
      .comment('The replica that runs the promotion while it is active');
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment(
        'Until when the owner holds it; past this, another replica may take it over',
      );
    table.index(['lease_expires_at'], 'environments_promotions_lease_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table.dropIndex(['lease_expires_at'], 'environments_promotions_lease_idx');
    table.dropColumn('lease_expires_at');
    table.dropColumn('owner_id');
  });
};
