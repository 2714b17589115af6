/** A bank file as the upload route takes it: multipart `file`, plus any other fields. */
export function upload(
  content: string | Buffer,
  name: string,
  fields: Record<string, string> = {},
): FormData {
  const form = new FormData();
  form.append(
    'file',
    new Blob([typeof content === 'string' ? content : new Uint8Array(content)]),
    name,
  );
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}
