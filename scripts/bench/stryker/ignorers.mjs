// Stryker ignorer "schema-text": text in a zod schema that no test can observe. The scaffolder validates
// action input against the JSON Schema generated from zod, which keeps `.describe()` as "description"
// (shown in the template editor) and drops the `message` of a refinement altogether.
function isDescribeArgument(path) {
  const call = path.parentPath;
  return (
    call?.isCallExpression() &&
    call.node.arguments.includes(path.node) &&
    call.node.callee.type === 'MemberExpression' &&
    call.node.callee.property.type === 'Identifier' &&
    call.node.callee.property.name === 'describe'
  );
}

// `{ message: ... }`: the options of a refinement such as `.regex(pattern, { message })`.
function isRefinementMessage(path) {
  return (
    path.isObjectExpression() &&
    path.node.properties.length > 0 &&
    path.node.properties.every(
      property =>
        property.type === 'ObjectProperty' &&
        property.key.type === 'Identifier' &&
        property.key.name === 'message',
    )
  );
}

export const strykerPlugins = [
  {
    kind: 'Ignore',
    name: 'schema-text',
    value: {
      shouldIgnore(path) {
        if (isDescribeArgument(path)) {
          return 'A field description is documentation for the template editor.';
        }
        if (isRefinementMessage(path)) {
          return "The generated JSON Schema drops zod's messages: the scaffolder never shows them.";
        }
        return undefined;
      },
    },
  },
];
