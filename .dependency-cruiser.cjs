/**
 * Dependency rules of the feature-module layout (decision 0013). `npm run lint` fails on any
 * violation. Type-only imports count: a type cycle is still a design cycle.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Modules form a layered graph; a cycle means two modules are one or a type is misplaced.",
      from: { path: "^server/" },
      to: { circular: true },
    },
    {
      name: "platform-imports-no-feature",
      severity: "error",
      comment: "Technical adapters know no business capability.",
      from: { path: "^server/platform/" },
      to: { path: "^server/(modules|main)/" },
    },
    {
      name: "modules-do-not-import-main",
      severity: "error",
      comment: "main/ wires modules together; modules never reach back into it.",
      from: { path: "^server/modules/" },
      to: { path: "^server/main/" },
    },
    {
      name: "through-index-only",
      severity: "error",
      comment: "Another module is reached through its index.ts, never its internals.",
      from: { path: "^server/modules/([^/]+)/" },
      to: {
        path: "^server/modules/[^/]+/.+",
        pathNot: ["^server/modules/$1/", "^server/modules/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "main-through-index-only",
      severity: "error",
      from: { path: "^server/main/" },
      to: { path: "^server/modules/[^/]+/.+", pathNot: "^server/modules/[^/]+/index\\.ts$" },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "domain/ holds pure logic: no data access.",
      from: { path: "^server/modules/[^/]+/domain/" },
      to: { path: ["^server/modules/[^/]+/data/", "^server/platform/mongo/"] },
    },
    {
      name: "domain-calls-no-driver",
      severity: "error",
      comment: "domain/ may name the driver's types (ObjectId) but never calls it.",
      from: { path: "^server/modules/[^/]+/domain/" },
      to: { path: "node_modules/(mongoose|mongodb)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "edges-do-not-query",
      severity: "error",
      comment:
        "HTTP routes and web pages go through use cases; data access stays behind repositories. " +
        "Naming a stored document's type is allowed: repositories return plain objects of that shape.",
      from: { path: "^server/modules/[^/]+/(http|web)/" },
      to: {
        path: ["^server/modules/[^/]+/data/", "node_modules/(mongoose|mongodb)/"],
        dependencyTypesNot: ["type-only"],
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
