import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createSecretMasker,
  findTool,
  ProcessError,
  runProcess,
} from '@envportal/plugin-environments-node';
import { existsSync } from 'node:fs';
import { z as zod } from 'zod/v3';

type Z = typeof zod;

/** The one tree Terraform runs on: the reference repository's own, as fetched from it. */
export const REFERENCE_TERRAFORM_DIR = 'terraform';
// `terraform` or a path under it, with no `..` segment.
const REFERENCE_TERRAFORM_PATH =
  /^terraform(\/(?!(.*\/)?\.\.(\/|$))[A-Za-z0-9._\-/]+)?$/;

// Variable and backend setting names as Terraform accepts them; nothing that could become a flag.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** Input fields shared by terraform:plan and terraform:apply. */
export const terraformInputSchema = {
  workingDirectory: (z: Z) =>
    z
      .string()
      .regex(REFERENCE_TERRAFORM_PATH, {
        message: `must be ${REFERENCE_TERRAFORM_DIR} or a directory under it`,
      })
      .describe(
        `Configuration directory in the reference repository's ${REFERENCE_TERRAFORM_DIR}/ (e.g. terraform/envs/dev); it runs on a fresh copy of that tree, never on the workspace`,
      ),
  varFile: (z: Z) =>
    z
      .string()
      .regex(REFERENCE_TERRAFORM_PATH, {
        message: `must be a file under ${REFERENCE_TERRAFORM_DIR}/`,
      })
      .optional()
      .describe(
        "The stage's .tfvars file in the reference repository (e.g. terraform/envs/dev/terraform.tfvars)",
      ),
  backendConfig: (z: Z) =>
    z
      .record(z.string().max(1024))
      .optional()
      .describe('Backend settings passed to init as -backend-config=key=value'),
  vars: (z: Z) =>
    z
      .record(z.union([z.string().max(4096), z.number(), z.boolean()]))
      .optional()
      .describe(
        'Extra variables (passed as TF_VAR_name in the environment, never on the command line)',
      ),
  secretVars: (z: Z) =>
    z
      .array(z.string().regex(IDENTIFIER))
      .optional()
      .describe(
        'Names of task secrets passed as TF_VAR_<name>; their values are masked in the log',
      ),
  binary: (z: Z) =>
    z
      .enum(['terraform', 'tofu'])
      .optional()
      .describe(
        'Which tool to run; default: terraform if installed, else tofu',
      ),
};

export type TerraformInput = {
  workingDirectory: string;
  varFile?: string;
  backendConfig?: Record<string, string>;
  vars?: Record<string, string | number | boolean>;
  secretVars?: string[];
  binary?: 'terraform' | 'tofu';
};

/** An output value as returned to the template; sensitive values are never returned. */
export type TerraformOutputs = Record<
  string,
  string | number | boolean | null | object
>;

type Log = (line: string) => void;

/**
 * Runs Terraform (or OpenTofu) in one directory of a fresh copy of the reference tree: init, then plan
 * or apply, streaming every line to the task log with secret values masked. Variables go through
 * TF_VAR_* so they never show in a process listing.
 */
export class TerraformRunner {
  private readonly cwd: string;
  private readonly command: string;
  private readonly env: Record<string, string>;
  private readonly mask: (text: string) => string;
  private readonly varFileArgs: string[];

  private readonly input: Required<Omit<TerraformInput, 'varFile' | 'binary'>> &
    TerraformInput;

  constructor(
    /** The directory that holds the copy of the reference tree. */
    copyRoot: string,
    rawInput: TerraformInput,
    secrets: Record<string, string>,
    private readonly log: Log,
  ) {
    // The scaffolder validates inputs against the JSON schema but does not fill zod defaults.
    const input = {
      ...rawInput,
      backendConfig: rawInput.backendConfig ?? {},
      vars: rawInput.vars ?? {},
      secretVars: rawInput.secretVars ?? [],
    };
    this.input = input;
    this.cwd = resolveSafeChildPath(copyRoot, input.workingDirectory);
    if (!existsSync(this.cwd)) {
      throw new InputError(
        `Terraform directory ${input.workingDirectory} is not in the reference repository`,
      );
    }
    const varFile = input.varFile
      ? resolveSafeChildPath(copyRoot, input.varFile)
      : undefined;
    if (varFile && !existsSync(varFile)) {
      throw new InputError(
        `Var file ${input.varFile} is not in the reference repository`,
      );
    }
    this.varFileArgs = varFile ? [`-var-file=${varFile}`] : [];
    for (const key of [
      ...Object.keys(input.vars),
      ...Object.keys(input.backendConfig),
    ]) {
      if (!IDENTIFIER.test(key))
        throw new InputError(`"${key}" is not a valid Terraform name`);
    }
    const secretValues: Record<string, string> = {};
    for (const name of input.secretVars) {
      const value = secrets[name];
      if (value === undefined)
        throw new InputError(`Task secret "${name}" was not provided`);
      secretValues[`TF_VAR_${name}`] = value;
    }
    this.command = input.binary
      ? findTool([input.binary])
      : findTool(['terraform', 'tofu']);
    this.env = {
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      ...Object.fromEntries(
        Object.entries(input.vars).map(([k, v]) => [`TF_VAR_${k}`, String(v)]),
      ),
      ...secretValues,
    };
    // Backend settings often carry access keys; every task secret is masked too.
    this.mask = createSecretMasker([
      ...Object.values(secrets),
      ...Object.values(input.backendConfig),
    ]);
  }

  async init(signal?: AbortSignal) {
    await this.run(
      [
        'init',
        '-input=false',
        '-no-color',
        ...Object.entries(this.input.backendConfig).map(
          ([k, v]) => `-backend-config=${k}=${v}`,
        ),
      ],
      signal,
    );
  }

  /** Plans into `planFile`; returns whether anything would change. Changes nothing itself. */
  async plan(
    planFile: string,
    signal?: AbortSignal,
  ): Promise<{ hasChanges: boolean; summary: string }> {
    let summary = 'No changes.';
    const result = await this.run(
      [
        'plan',
        '-input=false',
        '-no-color',
        '-detailed-exitcode',
        `-out=${planFile}`,
        ...this.varFileArgs,
      ],
      signal,
      line => {
        if (/^(Plan:|No changes\.)/.test(line)) summary = line;
      },
      [0, 2],
    );
    return { hasChanges: result.exitCode === 2, summary };
  }

  async apply(planFile: string, signal?: AbortSignal): Promise<string> {
    let summary = '';
    await this.run(
      ['apply', '-input=false', '-no-color', '-auto-approve', planFile],
      signal,
      line => {
        if (/^Apply complete!/.test(line)) summary = line;
      },
    );
    return summary;
  }

  /** The root module's outputs; sensitive ones are replaced, since task outputs are visible to all. */
  async outputs(signal?: AbortSignal): Promise<TerraformOutputs> {
    const result = await runProcess({
      command: this.command,
      args: ['output', '-json', '-no-color'],
      cwd: this.cwd,
      env: this.env,
      mask: this.mask,
      captureStdout: true,
      signal,
    });
    const parsed = JSON.parse(result.stdout || '{}') as Record<
      string,
      { sensitive: boolean; value: TerraformOutputs[string] }
    >;
    return Object.fromEntries(
      Object.entries(parsed).map(([name, output]) => [
        name,
        output.sensitive ? '(sensitive)' : output.value,
      ]),
    );
  }

  private async run(
    args: string[],
    signal: AbortSignal | undefined,
    onLine?: Log,
    okExitCodes = [0],
  ) {
    try {
      return await runProcess({
        command: this.command,
        args,
        cwd: this.cwd,
        env: this.env,
        mask: this.mask,
        signal,
        onLine: line => {
          this.log(line);
          onLine?.(line);
        },
      });
    } catch (error) {
      if (
        error instanceof ProcessError &&
        okExitCodes.includes(error.result.exitCode)
      ) {
        return error.result;
      }
      if (error instanceof ProcessError) {
        throw new Error(
          `${args[0]} failed (exit ${
            error.result.exitCode
          }): ${error.result.stderrTail.slice(-5).join(' | ')}`,
        );
      }
      throw error;
    }
  }
}
