import { Content, InfoCard } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { hasWorkloadAnnotations } from '@envportal/plugin-environments-common';
import { MissingAnnotationsEmptyState } from '../MissingAnnotationsEmptyState';

/** The Environments tab of a component. */
export const EntityEnvironmentsContent = () => {
  const { entity } = useEntity();
  const config = useApi(configApiRef);
  if (!hasWorkloadAnnotations(entity)) {
    return <MissingAnnotationsEmptyState entityName={entity.metadata.name} />;
  }
  const stages =
    config
      .getOptionalConfigArray('environments.stages')
      ?.map(stage => stage.getString('name')) ?? [];
  return (
    <Content>
      <InfoCard title="Environments">
        {stages.length === 0
          ? 'No stages are configured: add environments.stages to app-config.yaml.'
          : `Stages: ${stages.join(' → ')}`}
      </InfoCard>
    </Content>
  );
};
