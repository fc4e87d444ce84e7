/**
 * A small JSON Schema (draft 2020-12) checker for the keywords docs/span-summary.schema.json
 * uses: type, const, enum, required, properties, items, allOf, $ref (local), minimum,
 * exclusiveMinimum/Maximum, minItems/maxItems, pattern and format date-time. Unknown keywords
 * are an error, so the schema cannot quietly use one this checker ignores.
 */

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema',
  '$id',
  '$defs',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'required',
  'properties',
  'items',
  'allOf',
  '$ref',
  'minimum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'pattern',
  'format',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Returns the list of violations of `schema` by `value` (empty when valid). */
export function checkSchema(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const visit = (schema: Schema, data: unknown, at: string): void => {
    for (const key of Object.keys(schema))
      if (!KNOWN.has(key)) errors.push(`${at}: schema keyword ${key} not supported by this checker`);
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace(/^#\/\$defs\//, '');
      const target = (root.$defs as Record<string, Schema>)[name];
      if (!target) errors.push(`${at}: unresolved $ref ${schema.$ref}`);
      else visit(target, data, at);
    }
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((type) => matchesType(data, type))) {
        errors.push(`${at}: expected ${types.join(' or ')}, got ${typeOf(data)}`);
        return;
      }
    }
    if ('const' in schema && data !== schema.const) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(data))
      errors.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
    for (const part of (schema.allOf as Schema[] | undefined) ?? []) visit(part, data, at);
    if (typeof data === 'number') {
      if (typeof schema.minimum === 'number' && data < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
      if (typeof schema.exclusiveMinimum === 'number' && data <= schema.exclusiveMinimum)
        errors.push(`${at}: not above ${schema.exclusiveMinimum}`);
      if (typeof schema.exclusiveMaximum === 'number' && data >= schema.exclusiveMaximum)
        errors.push(`${at}: not below ${schema.exclusiveMaximum}`);
    }
    if (typeof data === 'string') {
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(data))
        errors.push(`${at}: does not match ${schema.pattern}`);
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(data))) errors.push(`${at}: not a date-time`);
    }
    if (Array.isArray(data)) {
      if (typeof schema.minItems === 'number' && data.length < schema.minItems)
        errors.push(`${at}: fewer than ${schema.minItems} items`);
      if (typeof schema.maxItems === 'number' && data.length > schema.maxItems)
        errors.push(`${at}: more than ${schema.maxItems} items`);
      if (schema.items)
        data.forEach((item, i) => {
          visit(schema.items as Schema, item, `${at}[${i}]`);
        });
    }
    if (typeOf(data) === 'object') {
      const object = data as Record<string, unknown>;
      for (const key of (schema.required as string[] | undefined) ?? [])
        if (!(key in object)) errors.push(`${at}: missing ${key}`);
      for (const [key, sub] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
        if (key in object) visit(sub, object[key], `${at}.${key}`);
      }
    }
  };
  visit(root, value, '$');
  return errors;
}
