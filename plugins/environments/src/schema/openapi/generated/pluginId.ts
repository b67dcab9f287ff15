export const pluginId = 'environments';
