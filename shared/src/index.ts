// @fsbus/shared: the contracts every fsbus process speaks. Browser-safe; Node-only parts are in ./node.
export * from './ids.js';
export * from './roles.js';
export * from './topics.js';
export * from './catalogue/languages.js';
export * from './catalogue/partners.js';
export * from './catalogue/reasons.js';
export * from './protocol/primitives.js';
export * from './protocol/envelope.js';
export * from './protocol/vehicle.js';
export * from './protocol/journey.js';
export * from './protocol/visitors.js';
export * from './protocol/status.js';
export * from './protocol/streams.js';
export * from './protocol/codec.js';
export * from './protocol/message-factory.js';
export { EXAMPLES, EXAMPLE_BUS_ID } from './protocol/examples.js';
export { exampleVariants } from './protocol/variants.js';
export { ConfigSchema, AclRule, BrokerUser, ACL_ACCESS, type Config } from './config/schema.js';
