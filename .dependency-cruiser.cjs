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
      comment: "domain/ holds pure logic: no data access, no database driver.",
      from: { path: "^server/modules/[^/]+/domain/" },
      to: {
        path: ["^server/modules/[^/]+/data/", "^server/platform/mongo/", "node_modules/(mongoose|mongodb)/"],
      },
    },
    {
      name: "edges-do-not-query",
      severity: "error",
      comment: "HTTP routes and web pages go through use cases; data access stays behind repositories.",
      from: { path: "^server/modules/[^/]+/(http|web)/" },
      to: {
        path: ["^server/modules/[^/]+/data/", "node_modules/(mongoose|mongodb)/"],
        pathNot: "node_modules/mongoose/types",
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
