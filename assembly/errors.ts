// Error reporting without imports: `throw`/`assert` land here (asc --use abort=assembly/errors/onAbort).
import { ERR_ABORT } from "./codes";

/** Code of the last failure: 0 none, else one of the ERR_* values below. */
export let errCode: i32 = 0;
/** Source line of the last abort, for the facade's message. */
export let errLine: u32 = 0;

/** abort(msg, file, line, col): record line and code, then trap. Never returns. */
export function onAbort(message: string | null, fileName: string | null, lineNumber: u32, columnNumber: u32): void {
  if (errCode == 0) errCode = ERR_ABORT;
  errLine = lineNumber;
  unreachable();
}

/** fail(code): record a failure code and trap. */
export function fail(code: i32): void {
  errCode = code;
  unreachable();
}

/** errorCode(): the code of the last trap (0 = a plain wasm trap such as out-of-bounds). */
export function errorCode(): i32 { return errCode; }
/** errorLine(): the source line of the last abort. */
export function errorLine(): u32 { return errLine; }
/** clearError(): reset the error state. */
export function clearError(): void { errCode = 0; errLine = 0; }
