import packageJson from '../package.json' with { type: 'json' };

export const apertureVersion: string = packageJson.version;
