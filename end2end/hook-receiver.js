// A real HTTP receiver for the webhook specs: Portico POSTs its events here
// (http://127.0.0.1:PORT/<anything>), and every request is written to a
// directory as JSON ({path, headers, body}) that the specs read. A path
// containing "/fail" is answered 500, every other one 204.
//   node hook-receiver.js <port> <dir>
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");

const [port, dir] = process.argv.slice(2);
fs.mkdirSync(dir, { recursive: true });
let count = 0;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    count += 1;
    const record = { path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    fs.writeFileSync(path.join(dir, `${Date.now()}-${count}.json`), JSON.stringify(record));
    res.statusCode = req.url.includes("/fail") ? 500 : 204;
    res.end();
  });
});
server.listen(Number(port), "127.0.0.1", () => console.log(`hook receiver on ${port}, writing to ${dir}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
