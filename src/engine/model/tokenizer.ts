// Wraps tokenizers.js (which neither truncates nor pads) with the CLIP rules radalign needs:
// truncate the words but keep the special tokens (so [EOS], where CLIP pools, survives), pad to a batch's longest.
import { Tokenizer } from '@huggingface/tokenizers';
import { isObject } from './fields';
import { errorMessage, readJsonFile } from './json-file';
import { ModelError } from './types';

export class TextTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly maxLength: number,
    /** Id used to pad a batch to its longest text (the attention mask hides it). */
    readonly padId: number,
  ) {}

  /**
   * Loads `file` (tokenizer.json) with the optional tokenizer_config.json. `settingsFile` is blamed when
   * maxLength leaves no room for text.
   */
  static async load(
    file: string,
    configFile: string | null,
    maxLength: number,
    settingsFile: string,
  ): Promise<TextTokenizer> {
    const json = await readJsonFile(file);
    if (!isObject(json)) throw new ModelError(file, 'must hold a JSON object');
    const config = configFile ? await readJsonFile(configFile) : {};
    if (!isObject(config)) throw new ModelError(configFile!, 'must hold a JSON object');

    let tokenizer: Tokenizer;
    let specials: number;
    try {
      tokenizer = new Tokenizer(json, config);
      specials = tokenizer.encode('').ids.length;
      tokenizer.encode('Probe sentence, 2.5 cm.');
    } catch (err) {
      throw new ModelError(file, `tokenizers.js cannot use it: ${errorMessage(err)}`);
    }
    if (specials >= maxLength) {
      throw new ModelError(
        settingsFile,
        `max text length ${maxLength} leaves no room for text after ${specials} special tokens`,
      );
    }
    return new TextTokenizer(tokenizer, maxLength, padIdOf(json, config, tokenizer));
  }

  /** Tokens for `text`, special tokens included, before truncation. */
  count(text: string): number {
    return this.tokenizer.encode(text).ids.length;
  }

  /** Ids for `text` with special tokens, truncated to maxLength. */
  encode(text: string): number[] {
    const full = this.tokenizer.encode(text).ids;
    if (full.length <= this.maxLength) return full;
    return truncateKeepingSpecials(
      full,
      this.tokenizer.encode(text, { add_special_tokens: false }).ids,
      this.maxLength,
    );
  }
}

/**
 * `full` is `content` wrapped in special tokens by the post-processor. Cuts `content` so that the whole fits
 * `max`, keeping the specials before and after it — what HF's truncation does, and what CLIP expects.
 */
export function truncateKeepingSpecials(full: number[], content: number[], max: number): number[] {
  const extra = full.length - content.length;
  for (let before = 0; before <= extra; before++) {
    if (content.every((id, i) => full[before + i] === id)) {
      const kept = content.slice(0, Math.max(0, max - extra));
      return [...full.slice(0, before), ...kept, ...full.slice(before + content.length)];
    }
  }
  // The post-processor did more than wrap the text; keep the start and the final token.
  return [...full.slice(0, max - 1), full[full.length - 1]];
}

/** tokenizer.json `padding.pad_id`, else tokenizer_config's pad_token, else 0. */
function padIdOf(json: unknown, config: Record<string, unknown>, tokenizer: Tokenizer): number {
  const padding = isObject(json) ? json.padding : undefined;
  if (isObject(padding) && typeof padding.pad_id === 'number') return padding.pad_id;
  const pad = config.pad_token;
  const content = typeof pad === 'string' ? pad : isObject(pad) && typeof pad.content === 'string' ? pad.content : null;
  return (content !== null ? tokenizer.token_to_id(content) : undefined) ?? 0;
}
