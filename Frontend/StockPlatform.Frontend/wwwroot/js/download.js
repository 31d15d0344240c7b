// Saves bytes the server streamed to the browser (a DotNetStreamReference) as a file. The server
// fetched them from the gateway with its API key, so the key never reaches the browser.
export async function saveFile(fileName, contentType, stream) {
  const buffer = await stream.arrayBuffer();
  const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
