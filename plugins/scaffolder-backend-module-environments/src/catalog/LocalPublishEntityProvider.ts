import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
  locationSpecToLocationEntity,
} from '@backstage/plugin-catalog-node';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Puts every repository that publish:local wrote (`<localPublishDir>/<name>/catalog-info.yaml`) into
 * the catalog as a file Location. Reading only that directory keeps the catalog API closed to file
 * locations, which would otherwise let any user make the backend read files from its disk.
 */
export class LocalPublishEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly dir: string;

  constructor(dir: string, private readonly logger: LoggerService) {
    this.dir = resolve(dir);
  }

  getProviderName(): string {
    return 'environments-local-publish';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /** Lists the published repositories and replaces the provider's Locations with them. */
  async refresh(): Promise<number> {
    if (!this.connection) return 0;
    const targets = existsSync(this.dir)
      ? readdirSync(this.dir, { withFileTypes: true })
          .filter(entry => entry.isDirectory())
          .map(entry => join(this.dir, entry.name, 'catalog-info.yaml'))
          .filter(path => existsSync(path))
      : [];
    await this.connection.applyMutation({
      type: 'full',
      entities: targets.map(target => ({
        locationKey: `${this.getProviderName()}:${this.dir}`,
        entity: locationSpecToLocationEntity({
          location: { type: 'file', target, presence: 'optional' },
        }),
      })),
    });
    this.logger.debug(
      `${targets.length} locally published repositories in ${this.dir}`,
    );
    return targets.length;
  }
}
