/*
 * Approvals and deploy windows: a promotion can wait for approvals (holding its stage's slot) or for
 * its stage's window to open, and every approval or rejection is kept.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table
      .integer('approvals_required')
      .nullable()
      .comment('Approvals the target stage asked for when it was requested');
    table
      .timestamp('approval_expires_at', { useTz: true })
      .nullable()
      .comment('Until when it may wait for approvals');
    table
      .timestamp('run_after', { useTz: true })
      .nullable()
      .comment('Queued until the target stage opens');
    table.text('window_override_reason').nullable();
  });
  if (!/sqlite/.test(knex.client.config.client)) {
    // "awaiting-approval" is longer than the 16 characters of the first schema (SQLite does not check).
    await knex.schema.alterTable('environments_promotions', table => {
      table.string('state', 32).notNullable().alter();
    });
  }
  await knex.schema.createTable('environments_promotion_approvals', table => {
    table.comment('Every approval and rejection of a promotion');
    table.increments('id');
    table
      .string('promotion_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments_promotions')
      .onDelete('CASCADE');
    table.string('actor', 255).notNullable().comment('User entity ref');
    table.string('decision', 16).notNullable().comment('approve or reject');
    table.text('comment').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    // One decision per person: a second approval by the same user does not count twice.
    table.unique(['promotion_id', 'actor'], {
      indexName: 'environments_promotion_approvals_actor_uniq',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // Older code knows no waiting states: it would take such a promotion over and run it unapproved.
  const [{ count }] = await knex('environments_promotions')
    .whereIn('state', ['awaiting-approval', 'queued'])
    .whereNotNull('in_flight_key')
    .count({ count: '*' });
  if (Number(count) > 0) {
    throw new Error(
      `${count} promotion(s) wait for approval or a deploy window; reject them or let them run before migrating down`,
    );
  }
  await knex.schema.dropTable('environments_promotion_approvals');
  await knex.schema.alterTable('environments_promotions', table => {
    table.dropColumn('approvals_required');
    table.dropColumn('approval_expires_at');
    table.dropColumn('run_after');
    table.dropColumn('window_override_reason');
  });
};
